package io.runwarden;

import java.time.Duration;

/**
 * How long the tests wait for something before calling it broken, in one place.
 *
 * <p>Every one of these is a ceiling on a wait for a condition, never a pause: on a healthy machine the condition
 * holds long before it and the ceiling costs nothing; it only decides how long a broken test takes to say so. They are
 * set for the worst machine the suite is expected to pass on: CI's 2 cores, shared with a few other JVMs (a restart
 * after SIGKILL was seen taking over 2 minutes there while 3 other JVMs ran). Raise one here rather than in a test.
 *
 * <p>Speed is the benchmarks' business (bench/run): no test asserts that something was fast.
 */
public final class Patience {
    /** A JVM (a broker or the service) started from cold, until it logs its ready line. */
    public static final Duration START = Duration.ofMinutes(5);
    /** The service restarted after SIGKILL or a broker restart, its state restored, until ready again. */
    public static final Duration RESTART = Duration.ofMinutes(5);
    /** An instance killed: until the survivors have taken over its tasks and answer everything again. */
    public static final Duration FAILOVER = Duration.ofMinutes(5);
    /** A backlog of events sent: until the service has applied all of it (thousands of events, a restart on the way). */
    public static final Duration DRAIN = Duration.ofMinutes(5);
    /** A few events sent or reported over HTTP: until the service has applied them and answers with them. */
    public static final Duration APPLIED = Duration.ofMinutes(2);
    /** A sweep requested: until its result is in (given to {@code sweeps().sweep(…)} and as {@code ?timeout=}, at most PT5M). */
    public static final Duration SWEEP = Duration.ofMinutes(3);
    /** A scheduler slot: until the next one-minute slot has fired, a minute boundary and a rebalance included. */
    public static final Duration SLOT = Duration.ofMinutes(4);
    /** SIGTERM sent: until the process has stopped cleanly (streams closed, group left, broker shut down). */
    public static final Duration STOP = Duration.ofMinutes(2);
    /** SIGKILL sent: until the kernel has reaped the process. */
    public static final Duration KILL = Duration.ofMinutes(1);
    /** A short-lived command (runwarden exec, a README block): until it has run to its end. */
    public static final Duration COMMAND = Duration.ofMinutes(3);
    /** One HTTP request to a busy service: connect, then the whole answer. */
    public static final Duration HTTP_CONNECT = Duration.ofSeconds(30);
    public static final Duration HTTP_REQUEST = Duration.ofMinutes(2);
    /** Reading a topic to its end with a plain consumer, metadata calls included. */
    public static final Duration READ = Duration.ofMinutes(2);
    /** A page in the browser: until it shows what is expected (it re-renders every second). */
    public static final Duration PAGE = Duration.ofMinutes(1);

    private Patience() {
    }
}
