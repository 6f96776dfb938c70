# Sourced by the LB bench scripts: how they run the balancer.
# Its JVM settings, as docs/lb.md gives them for a proxy: compiled code kept (see the launcher), fixed
# heap, a young generation sized for a proxy's allocation rate, and what outlives one young GC promoted at
# the next (the startup set was otherwise copied between survivor spaces 15 times, 10-20 ms a pause).
LB_JVM_FLAGS="-XX:-UseCodeCacheFlushing -XX:+UseG1GC -Xms2g -Xmx2g -Xmn1g -XX:MaxTenuringThreshold=1"
# the class path of the balancer built in tree $1
lb_class_path() { echo "$1/host-daemon/target/isohost.jar:$1/host-daemon/target/lib/*"; }
# its configuration: listening on port $1, one route to the backend on port $2, at most $3 requests at once
# on it (a fixed limit, no warm-up), 400 waiting for at most 1 s
lb_config() {
cat <<LB
<load-balancer xmlns="urn:isohost:lb:1" port="$1" strategy="server-load">
  <settings initial-limit="$3" min-limit="$3" max-limit="$3" queue-capacity="400" queue-timeout="1s"
            load-balance-warmup-time="0s"/>
  <route component="all">
    <url-pattern>/*</url-pattern>
    <backend id="b1" url="http://127.0.0.1:$2/"/>
  </route>
</load-balancer>
LB
}
