package io.isohost.cache.session;

import io.isohost.cache.CacheClient;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;

/** Add as a bean of the Jetty {@code Server}: every session handler then keeps its sessions in the triad cache. */
public final class TriadSessionDataStoreFactory extends AbstractSessionDataStoreFactory {
    private final CacheClient cache;

    /** {@code cache} should use the session settings ({@link io.isohost.cache.CacheConfig#sessions(String)}). */
    public TriadSessionDataStoreFactory(CacheClient cache) {
        this.cache = cache;
    }

    @Override
    public SessionDataStore getSessionDataStore(SessionManager manager) {
        TriadSessionDataStore store = new TriadSessionDataStore(cache);
        store.setGracePeriodSec(getGracePeriodSec());
        store.setSavePeriodSec(getSavePeriodSec());
        return store;
    }
}
