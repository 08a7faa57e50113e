/* cred.c - the credential chain in the SDKs' order, and the provider that
 * keeps its answer fresh for every worker: renewed ahead of expiry by one
 * thread while the others keep signing with the still-valid set. */
#include "s3engine/cred.h"
#include "cred_int.h"
#include "s3engine/error.h"
#include "s3engine/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ADVISORY_MAX_S 300 /* renew when less than min(5 min, lifetime / 4) remains */

struct s3e_cred_provider {
    pthread_mutex_t mu;
    pthread_cond_t renewed;
    struct cred_recipe *recipe;
    struct cred_set cur;
    unsigned long gen;
    time_t fetched;
    time_t next_try;   /* after a failed renewal, not before this */
    int refreshing;    /* one thread is fetching */
    int stale;         /* a request was refused as expired: renew before the next one */
    char last_err[640];
};

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int env_recipe(struct cred_recipe **out)
{
    *out = cred_recipe_new(CRED_STATIC, "env");
    if (!*out || cred_dup(&(*out)->access_key, env("AWS_ACCESS_KEY_ID")) ||
        cred_dup(&(*out)->secret_key, env("AWS_SECRET_ACCESS_KEY")) ||
        cred_dup(&(*out)->session_token, env("AWS_SESSION_TOKEN")))
        return S3E_ENOMEM;
    return S3E_OK;
}

static int web_identity_recipe(const char *region, struct cred_recipe **out)
{
    *out = cred_recipe_new(CRED_WEB_IDENTITY, "web-identity");
    if (!*out || cred_dup(&(*out)->token_file, env("AWS_WEB_IDENTITY_TOKEN_FILE")) ||
        cred_dup(&(*out)->role_arn, env("AWS_ROLE_ARN")) ||
        cred_dup(&(*out)->session_name, env("AWS_ROLE_SESSION_NAME")) ||
        cred_dup(&(*out)->region, region))
        return S3E_ENOMEM;
    return S3E_OK;
}

static int imds_disabled(void)
{
    const char *v = env("AWS_EC2_METADATA_DISABLED");
    return v && strcasecmp(v, "true") == 0;
}

/* Environment, web identity, the profile, container: the first one configured.
 * *out stays NULL when none is (IMDS is tried by the caller). */
static int choose(const char *profile, int explicit, const char *region, struct cred_recipe **out,
                  char *errbuf, size_t errlen)
{
    *out = NULL;
    if (explicit < 2 && env("AWS_ACCESS_KEY_ID") && env("AWS_SECRET_ACCESS_KEY"))
        return env_recipe(out);
    if (env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN"))
        return web_identity_recipe(region, out);
    struct cred_ini *ini;
    int rc = cred_ini_load(&ini, errbuf, errlen);
    if (rc)
        return rc;
    rc = cred_profile_recipe(ini, profile, region, out, errbuf, errlen);
    cred_ini_free(ini);
    if (rc || *out)
        return rc;
    if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || env("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        *out = cred_recipe_new(CRED_CONTAINER, "container");
    else if (!imds_disabled())
        *out = cred_recipe_new(CRED_IMDS, "imds");
    return S3E_OK;
}

static int first_fetch(struct s3e_cred_provider *p, const char *profile, char *errbuf, size_t errlen)
{
    char why[384] = "";
    int rc = cred_fetch(p->recipe, &p->cur, why, sizeof why);
    if (!rc && p->cur.expiration && p->cur.expiration <= time(NULL)) {
        snprintf(why, sizeof why, "the credentials it returned have already expired");
        cred_set_clear(&p->cur);
        rc = S3E_ECREDS;
    }
    if (rc && p->recipe->kind == CRED_IMDS)
        snprintf(errbuf, errlen, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                 "or configure profile '%s' (~/.aws/credentials, ~/.aws/config); no container "
                 "credentials are set and EC2 instance metadata gave none (%s)", profile, why);
    else if (rc)
        snprintf(errbuf, errlen, "credentials from %s: %s", p->recipe->label, why);
    p->gen = 1;
    p->fetched = time(NULL);
    return rc ? S3E_ECREDS : S3E_OK;
}

int s3e_cred_provider_new(struct s3e_cred_provider **out, const char *profile, int explicit,
                          const char *region, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (!profile)
        profile = "default";
    struct s3e_cred_provider *p = calloc(1, sizeof *p);
    if (!p)
        return S3E_ENOMEM;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->renewed, NULL);
    int rc = choose(profile, explicit, region, &p->recipe, errbuf, errlen);
    if (!rc && !p->recipe) {
        snprintf(errbuf, errlen, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                 "or configure profile '%s' (~/.aws/credentials, ~/.aws/config); no container "
                 "credentials are set and EC2 instance metadata is disabled "
                 "(AWS_EC2_METADATA_DISABLED)", profile);
        rc = S3E_ECREDS;
    }
    if (!rc)
        rc = first_fetch(p, profile, errbuf, errlen);
    if (rc) {
        s3e_cred_provider_free(p);
        return rc;
    }
    *out = p;
    return S3E_OK;
}

void s3e_cred_provider_free(struct s3e_cred_provider *p)
{
    if (!p)
        return;
    cred_recipe_free(p->recipe);
    cred_set_clear(&p->cur);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->renewed);
    free(p);
}

/* Seconds ahead of expiry a set is renewed: min(5 minutes, a quarter of its life). */
static long advisory_s(const struct s3e_cred_provider *p)
{
    long life = (long)(p->cur.expiration - p->fetched);
    return life / 4 < ADVISORY_MAX_S ? life / 4 : ADVISORY_MAX_S;
}

/* 0: current; 1: renew if nobody else is (the set is still good);
 * 2: renew before signing (expired, nearly so, or refused). */
static int renewal_due(const struct s3e_cred_provider *p, time_t now)
{
    if (p->stale)
        return 2;
    if (!p->cur.expiration)
        return 0;
    long left = (long)(p->cur.expiration - now), advisory = advisory_s(p);
    if (left <= advisory / 4 || left <= 0)
        return 2;
    return left <= advisory;
}

/* Fetch a new set with the lock released; install it. Called with the lock held. */
static void renew(struct s3e_cred_provider *p)
{
    p->refreshing = 1;
    pthread_mutex_unlock(&p->mu);
    struct cred_set fresh;
    char why[384] = "";
    int rc = cred_fetch(p->recipe, &fresh, why, sizeof why);
    time_t now = time(NULL);
    if (!rc && fresh.expiration && fresh.expiration <= now) {
        snprintf(why, sizeof why, "the credentials it returned have already expired");
        cred_set_clear(&fresh);
        rc = S3E_ECREDS;
    }
    pthread_mutex_lock(&p->mu);
    p->refreshing = 0;
    pthread_cond_broadcast(&p->renewed);
    if (rc) {
        p->next_try = now + 1;
        snprintf(p->last_err, sizeof p->last_err, "credentials from %s could not be renewed: %s",
                 p->recipe->label, why);
        s3e_warn("%s", p->last_err);
        return;
    }
    cred_set_clear(&p->cur);
    p->cur = fresh;
    p->gen++;
    p->fetched = now;
    p->stale = 0;
    p->next_try = 0;
    s3e_info("credentials from %s renewed (access key id %s, %s %lds)", p->recipe->label,
             p->cur.c.access_key, p->cur.expiration ? "valid for" : "no expiry,",
             p->cur.expiration ? (long)(p->cur.expiration - now) : 0L);
}

static int copy_creds(struct s3e_creds *dst, const struct s3e_creds *src)
{
    s3e_creds_clear(dst);
    if (cred_dup(&dst->access_key, src->access_key) || cred_dup(&dst->secret_key, src->secret_key) ||
        cred_dup(&dst->session_token, src->session_token)) {
        s3e_creds_clear(dst);
        return S3E_ENOMEM;
    }
    return S3E_OK;
}

int s3e_cred_provider_get(struct s3e_cred_provider *p, struct s3e_creds *dst, unsigned long *gen,
                          char *errbuf, size_t errlen)
{
    int rc = S3E_OK;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        time_t now = time(NULL);
        int due = renewal_due(p, now);
        if (due == 0 || (due == 1 && p->refreshing))
            break;
        if (p->refreshing) { /* nothing usable until the other thread is done */
            pthread_cond_wait(&p->renewed, &p->mu);
            continue;
        }
        if (now < p->next_try) { /* a renewal just failed */
            if (due == 2) {
                snprintf(errbuf, errlen, "%s", p->last_err);
                rc = S3E_ECREDS;
            }
            break;
        }
        renew(p);
    }
    if (!rc && *gen != p->gen) {
        rc = copy_creds(dst, &p->cur.c);
        *gen = rc ? 0 : p->gen;
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

int s3e_cred_provider_expired(struct s3e_cred_provider *p, unsigned long gen)
{
    pthread_mutex_lock(&p->mu);
    int renewable = p->recipe->kind != CRED_STATIC;
    if (renewable && gen == p->gen)
        p->stale = 1;
    pthread_mutex_unlock(&p->mu);
    return renewable;
}

int s3e_cred_provider_refused(struct s3e_cred_provider *p, unsigned long gen, time_t server_now)
{
    pthread_mutex_lock(&p->mu);
    time_t now = time(NULL), latest = server_now > now ? server_now : now;
    int renewable = p->recipe->kind != CRED_STATIC, worth = 0;
    if (renewable && gen != p->gen) {
        worth = 1; /* signed with a set already replaced */
    } else if (renewable && p->cur.expiration && latest >= p->cur.expiration) {
        if (!p->stale)
            s3e_info("credentials from %s refused at or after their expiry (%s clock): "
                     "renewing them, and trying once more", p->recipe->label,
                     server_now > now ? "the server's" : "this machine's");
        worth = p->stale = 1;
    }
    pthread_mutex_unlock(&p->mu);
    return worth;
}

void s3e_cred_provider_info(struct s3e_cred_provider *p, struct s3e_cred_info *out)
{
    pthread_mutex_lock(&p->mu);
    snprintf(out->source, sizeof out->source, "%s", p->recipe->label);
    snprintf(out->access_key, sizeof out->access_key, "%s", p->cur.c.access_key ? p->cur.c.access_key : "");
    out->expiration = p->cur.expiration;
    out->renewable = p->recipe->kind != CRED_STATIC;
    out->renew_at = out->renewable && p->cur.expiration ? p->cur.expiration - advisory_s(p) : 0;
    pthread_mutex_unlock(&p->mu);
}

void s3e_creds_clear(struct s3e_creds *c)
{
    char *all[] = { c->access_key, c->secret_key, c->session_token };
    for (size_t i = 0; i < 3; i++)
        if (all[i]) {
            memset(all[i], 0, strlen(all[i]));
            free(all[i]);
        }
    memset(c, 0, sizeof *c);
}
