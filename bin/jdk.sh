# Sourced by ./build and ./isohost: finds a JDK 25 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25+, then the usual install locations.

isohost_java_major() {
  # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release"
  if [ -r "$rel" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}

isohost_find_jdk() {
  local min=25 tried="" cand major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(isohost_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
      return 0
    fi
    tried="JAVA_HOME=$JAVA_HOME (version ${major:-unknown})"
  fi
  for cand in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$cand" ] || continue
    [ -x "$cand/bin/javac" ] || continue
    major=$(isohost_java_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      export JAVA_HOME="$cand"
      return 0
    fi
  done
  echo "isohost: no JDK $min or newer found." >&2
  echo "  looked at: ${tried:+$tried, }/usr/lib/jvm/*, /opt/java/*, /opt/jdk*, /usr/local/lib/jvm/*, ~/.sdkman/candidates/java/*, ~/.jdks/*" >&2
  echo "  install one (for example: apt-get install temurin-25-jdk, or openjdk-25-jdk) or set JAVA_HOME to it." >&2
  return 1
}
