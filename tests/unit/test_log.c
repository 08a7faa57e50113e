/* test_log.c - log lines and the status (progress) line written from two
 * threads never mix: every line a terminal would show is one whole log line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3engine/log.h"

#define ROUNDS 50000 /* per thread */
#define THREADS 2     /* of each kind: more chances for the two to meet */
#define STATUS "1234/99999 objects  1.0 GiB  10.0 MiB/s  500 obj/s"

static void *draw_status(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++)
        s3e_log_status(STATUS);
    return NULL;
}

static void *write_lines(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++)
        s3e_warn("line %d", i);
    return NULL;
}

/* What a terminal shows for one line of out: "\r" goes back to the start,
 * ESC [ K erases to the end, other bytes overwrite. */
static void shown(const char *p, size_t n, char *out, size_t cap)
{
    size_t col = 0, len = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r') {
            col = 0;
        } else if (p[i] == '\x1b' && i + 2 < n && p[i + 1] == '[' && p[i + 2] == 'K') {
            len = col;
            i += 2;
        } else if (col + 1 < cap) {
            out[col++] = p[i];
            if (col > len)
                len = col;
        }
    }
    out[len] = '\0';
}

static void test_status_and_lines_never_mix(void **state)
{
    (void)state;
    char path[] = "/tmp/test_log_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);

    pthread_t a[THREADS], b[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&a[i], NULL, draw_status, NULL);
        pthread_create(&b[i], NULL, write_lines, NULL);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(a[i], NULL);
        pthread_join(b[i], NULL);
    }
    s3e_log_status_end();

    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    char *text = malloc((size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(pread(fd, text, (size_t)size, 0), size);
    text[size] = '\0';
    close(fd);

    int lines = 0, mixed = 0;
    char line[512];
    /* memchr, not strchr: under ASan's strict_string_checks each strchr reads the whole
     * rest of the text, which made this loop quadratic (over 15 minutes) */
    for (char *p = text, *end = text + size, *nl; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL;
         p = nl + 1) {
        shown(p, (size_t)(nl - p), line, sizeof line);
        if (strncmp(line, "s3engine: warning: line ", 24) != 0) {
            if (!mixed)
                print_message("mixed: \"%s\"\n", line);
            mixed++;
        }
        lines++;
    }
    /* the last status line is erased by s3e_log_status_end */
    char *tail = strrchr(text, '\n');
    shown(tail ? tail + 1 : text, strlen(tail ? tail + 1 : text), line, sizeof line);
    assert_string_equal(line, "");
    free(text);
    assert_int_equal(lines, ROUNDS * THREADS);
    assert_int_equal(mixed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_and_lines_never_mix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
