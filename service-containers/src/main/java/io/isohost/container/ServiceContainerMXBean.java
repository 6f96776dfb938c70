package io.isohost.container;

/**
 * A service container in JMX, as {@code isohost:type=ServiceContainer,name=NAME}. Its resource
 * domains are beans of their own ({@code isohost:type=ResourceDomain,container=NAME,resource=R}).
 */
public interface ServiceContainerMXBean {
    String getName();

    String getParent();

    boolean isGroup();

    int getPort();

    String[] getIsolates();

    String[] getPolicies();

    long getRequests();

    long getErrors();

    long getCpuTimeMillis();

    long getAllocatedBytes();

    long getPolicyWaits();

    long getPolicyDenials();

    double getCpuShare();

    void setCpuShare(double fraction);

    int getMaxConcurrency();

    void setMaxConcurrency(int max);

    /** Sets the rate quota on a resource, per second; 0 removes it. */
    void setRate(String resource, double perSecond);

    double getRate(String resource);
}
