/* stop.c - the stop flag, the signal handlers that set it, and whether a run
 * must stop (stop.h). */
#include "stop.h"
#include "cli.h"
#include "run.h"

#include <signal.h>
#include <unistd.h>

atomic_int s3e_interrupted;
/* A signal handler may only touch lock-free atomics (C11 7.14.1.1). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

/* The first SIGINT/SIGTERM asks for a quick, clean stop: the clients see
 * s3e_interrupted through cfg.cancel and cancel what is in flight. A second
 * one ends the process at once, with the same status. */
static void on_signal(int sig)
{
    (void)sig;
    if (s3e_interrupted) {
        static const char msg[] = "s3engine: second signal: exiting at once\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(S3E_EXIT_INTERRUPTED);
    }
    s3e_interrupted = 1;
}

void s3e_run_signals(void)
{
    struct sigaction stop = { .sa_handler = on_signal };
    struct sigaction ignore = { .sa_handler = SIG_IGN };
    sigemptyset(&stop.sa_mask);
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGINT, &stop, NULL);
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGPIPE, &ignore, NULL);
}

int s3e_run_past_stop_at(const struct s3e_run *run)
{
    return run->stop_at > 0 && s3e_now() >= run->stop_at;
}

int s3e_run_stopping(const struct s3e_run *run)
{
    return s3e_interrupted || s3e_failfast_tripped(&run->failfast) || s3e_run_past_stop_at(run);
}
