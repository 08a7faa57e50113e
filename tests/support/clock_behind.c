/* clock_behind.c - for tests, loaded with LD_PRELOAD: the process's wall clock
 * (time, gettimeofday, clock_gettime of CLOCK_REALTIME) runs S3E_CLOCK_BEHIND
 * seconds behind, as on a machine whose clock lags the server's. Monotonic
 * clocks are left alone. Built by the test that uses it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long behind(void)
{
    static long secs = -1;
    if (secs < 0) {
        const char *v = getenv("S3E_CLOCK_BEHIND");
        secs = v ? atol(v) : 0;
    }
    return secs;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    static int (*real)(clockid_t, struct timespec *);
    if (!real)
        real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int rc = real(id, ts);
    if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
        ts->tv_sec -= behind();
    return rc;
}

time_t time(time_t *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    struct timespec ts;
    int rc = clock_gettime(CLOCK_REALTIME, &ts);
    if (rc == 0) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return rc;
}
