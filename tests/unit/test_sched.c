/* test_sched.c - the payload lists between the planner and the workers: a
 * worker gets its own payloads in order before shared ones, the shared queue
 * blocks the submitter when full, close ends the takes, cancel drops what is
 * queued and unblocks a waiting submitter. Payloads come from the real packer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../engine/sched.h"
#include "s3engine/error.h"
#include "s3engine/packer.h"

/* Payloads of one object each; `hold` 0 = streaming (worker -1), else balanced. */
struct made {
    struct s3e_payload *p[64];
    size_t n;
};

static int keep(void *ud, struct s3e_payload *p)
{
    struct made *m = ud;
    assert_true(m->n < 64);
    m->p[m->n++] = p;
    return 0;
}

static void make_payloads(struct made *m, int workers, int count, size_t hold)
{
    struct s3e_packer *pk;
    struct s3e_packer_opts o = { .workers = workers, .max_bytes = 1 << 20, .max_objects = 1,
                                 .hold_limit = hold };
    memset(m, 0, sizeof *m);
    assert_int_equal(s3e_packer_new(&pk, &o, keep, m), S3E_OK);
    for (int i = 0; i < count; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%02d", i);
        struct s3e_job j = { .size = 1000u - (unsigned)i, .src_bucket = "s", .src_key = key,
                             .dst_bucket = "d", .dst_key = key, .etag = "e" };
        assert_int_equal(s3e_packer_add(pk, &j, NULL, 0, 0), S3E_OK);
    }
    assert_int_equal(s3e_packer_finish(pk), S3E_OK);
    s3e_packer_free(pk);
    assert_int_equal((int)m->n, count);
}

static void own_list_in_order_then_close(void **state)
{
    (void)state;
    struct made m;
    make_payloads(&m, 2, 6, 1000);
    struct s3e_sched *s;
    assert_int_equal(s3e_sched_new(&s, 2, 0), S3E_OK);
    for (size_t i = 0; i < m.n; i++) {
        assert_true(m.p[i]->worker == 0 || m.p[i]->worker == 1);
        assert_int_equal(s3e_sched_submit(s, m.p[i]), S3E_OK);
    }
    for (int w = 0; w < 2; w++) {
        uint64_t last = 0;
        struct s3e_payload *p;
        int got = 0;
        while (s3e_sched_try_take(s, w, &p) == 1) {
            assert_int_equal(p->worker, w);  /* never another worker's payload */
            assert_true(p->id > last);       /* in the packer's order */
            last = p->id;
            got++;
            s3e_payload_free(p);
        }
        assert_int_equal(got, 3);
    }
    struct s3e_payload *p;
    assert_int_equal(s3e_sched_try_take(s, 0, &p), 0); /* empty, but more may come */
    s3e_sched_close(s);
    assert_int_equal(s3e_sched_try_take(s, 0, &p), -1);
    assert_null(p);
    assert_int_equal((int)s3e_sched_free(s), 0);
}

static void shared_queue_to_any_worker(void **state)
{
    (void)state;
    struct made m;
    make_payloads(&m, 3, 4, 0);
    struct s3e_sched *s;
    assert_int_equal(s3e_sched_new(&s, 3, 8), S3E_OK);
    for (size_t i = 0; i < m.n; i++) {
        assert_int_equal(m.p[i]->worker, -1);
        assert_int_equal(s3e_sched_submit(s, m.p[i]), S3E_OK);
    }
    struct s3e_payload *p;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s3e_sched_try_take(s, i % 3, &p), 1);
        s3e_payload_free(p);
    }
    assert_int_equal(s3e_sched_try_take(s, 2, &p), 0);
    assert_int_equal((int)s3e_sched_free(s), 0);
}

struct submitter {
    struct s3e_sched *s;
    struct made *m;
    int rc[64];
    volatile int done;
};

static void *submit_all(void *arg)
{
    struct submitter *t = arg;
    for (size_t i = 0; i < t->m->n; i++)
        t->rc[i] = s3e_sched_submit(t->s, t->m->p[i]);
    t->done = 1;
    return NULL;
}

static void full_queue_blocks_until_taken(void **state)
{
    (void)state;
    struct made m;
    make_payloads(&m, 2, 5, 0);
    struct s3e_sched *s;
    assert_int_equal(s3e_sched_new(&s, 2, 2), S3E_OK); /* room for 2 */
    struct submitter t = { .s = s, .m = &m };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, submit_all, &t), 0);
    usleep(100000);
    assert_false(t.done); /* blocked on the third */
    struct s3e_payload *p;
    int taken = 0;
    for (int spins = 0; taken < 5 && spins < 1000; spins++) {
        if (s3e_sched_try_take(s, 0, &p) == 1) {
            s3e_payload_free(p);
            taken++;
        } else {
            usleep(1000);
        }
    }
    pthread_join(th, NULL);
    assert_int_equal(taken, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(t.rc[i], S3E_OK);
    assert_int_equal((int)s3e_sched_free(s), 0);
}

static void cancel_drops_and_unblocks(void **state)
{
    (void)state;
    struct made m;
    make_payloads(&m, 2, 5, 0);
    struct s3e_sched *s;
    assert_int_equal(s3e_sched_new(&s, 2, 2), S3E_OK);
    struct submitter t = { .s = s, .m = &m };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, submit_all, &t), 0);
    usleep(100000);
    assert_false(t.done);
    s3e_sched_cancel(s);
    pthread_join(th, NULL); /* a blocked submit returns */
    assert_int_equal(t.rc[0], S3E_OK);
    assert_int_equal(t.rc[1], S3E_OK);
    for (int i = 2; i < 5; i++)
        assert_int_equal(t.rc[i], S3E_ECANCELED); /* and frees its payload (ASan checks) */
    struct s3e_payload *p;
    assert_int_equal(s3e_sched_try_take(s, 0, &p), -1);
    assert_int_equal((int)s3e_sched_free(s), 2); /* the two queued ones, unrun */
}

static void bad_worker_count(void **state)
{
    (void)state;
    struct s3e_sched *s = NULL;
    assert_int_equal(s3e_sched_new(&s, 0, 0), S3E_EINVAL);
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_list_in_order_then_close),
        cmocka_unit_test(shared_queue_to_any_worker),
        cmocka_unit_test(full_queue_blocks_until_taken),
        cmocka_unit_test(cancel_drops_and_unblocks),
        cmocka_unit_test(bad_worker_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
