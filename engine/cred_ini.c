/* cred_ini.c - every section of the shared credentials and config files,
 * read once, so profiles can point at each other (source_profile, sso_session). */
#include "cred_int.h"
#include "s3engine/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES (1u << 20)

enum sect_kind { SECT_CRED_PROFILE, SECT_CONF_PROFILE, SECT_SSO_SESSION, SECT_OTHER };

struct entry {
    enum sect_kind kind;
    char *section, *key, *value;
};

struct cred_ini {
    struct entry *e;
    size_t n, cap;
};

struct cred_ini *cred_ini_new(void)
{
    return calloc(1, sizeof(struct cred_ini));
}

void cred_ini_free(struct cred_ini *ini)
{
    if (!ini)
        return;
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->e[i].section);
        free(ini->e[i].key);
        if (ini->e[i].value) /* may be a secret */
            memset(ini->e[i].value, 0, strlen(ini->e[i].value));
        free(ini->e[i].value);
    }
    free(ini->e);
    free(ini);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int add(struct cred_ini *ini, enum sect_kind kind, const char *section, const char *key,
               const char *value)
{
    if (ini->n == ini->cap) {
        size_t cap = ini->cap ? ini->cap * 2 : 32;
        struct entry *e = realloc(ini->e, cap * sizeof *e);
        if (!e)
            return S3E_ENOMEM;
        ini->e = e;
        ini->cap = cap;
    }
    struct entry *e = &ini->e[ini->n];
    e->kind = kind;
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return S3E_ENOMEM;
    }
    ini->n++;
    return S3E_OK;
}

/* "[default]", "[profile NAME]", "[sso-session NAME]" -> kind and name. The
 * config file names profiles "profile NAME"; "[NAME]" is kept there too, as
 * config.c has always read it. */
static enum sect_kind section_kind(char *header, int is_config, char **name)
{
    *name = header;
    if (!is_config)
        return SECT_CRED_PROFILE;
    if (strncmp(header, "profile", 7) == 0 && isspace((unsigned char)header[7])) {
        *name = trim(header + 8);
        return SECT_CONF_PROFILE;
    }
    if (strncmp(header, "sso-session", 11) == 0 && isspace((unsigned char)header[11])) {
        *name = trim(header + 12);
        return SECT_SSO_SESSION;
    }
    return strncmp(header, "services", 8) == 0 ? SECT_OTHER : SECT_CONF_PROFILE;
}

int cred_ini_add_text(struct cred_ini *ini, const char *text, int is_config, const char *path,
                      char *errbuf, size_t errlen)
{
    char *copy = strdup(text), *save = NULL, *section = NULL;
    if (!copy)
        return S3E_ENOMEM;
    enum sect_kind kind = SECT_OTHER;
    int rc = S3E_OK, lineno = 0;
    for (char *line = strtok_r(copy, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        int indented = isspace((unsigned char)line[0]);
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end) {
                snprintf(errbuf, errlen, "%s:%d: malformed section header", path, lineno);
                rc = S3E_EPARSE;
                break;
            }
            *end = '\0';
            kind = section_kind(trim(s + 1), is_config, &section);
            rc = add(ini, kind, section, "", ""); /* an empty section exists too */
            continue;
        }
        char *eq = strchr(s, '=');
        if (indented || !section)
            continue; /* nested settings ("s3 =" sub-keys) are not ours */
        if (!eq) {
            snprintf(errbuf, errlen, "%s:%d: expected 'name = value'", path, lineno);
            rc = S3E_EPARSE;
            break;
        }
        *eq = '\0';
        rc = add(ini, kind, section, trim(s), trim(eq + 1));
    }
    free(copy);
    return rc;
}

static int read_file(struct cred_ini *ini, const char *path, int is_config, char *errbuf,
                     size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            return S3E_OK;
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return S3E_EIO;
    }
    char *text = malloc(MAX_FILE_BYTES + 1);
    size_t n = text ? fread(text, 1, MAX_FILE_BYTES, f) : 0;
    int rc = text ? S3E_OK : S3E_ENOMEM;
    if (!rc && ferror(f)) {
        snprintf(errbuf, errlen, "%s: read error", path);
        rc = S3E_EIO;
    }
    fclose(f);
    if (!rc) {
        text[n] = '\0';
        rc = cred_ini_add_text(ini, text, is_config, path, errbuf, errlen);
        memset(text, 0, n);
    }
    free(text);
    return rc;
}

static int shared_path(char *out, size_t len, const char *env_name, const char *rel)
{
    const char *v = getenv(env_name);
    if (v && *v)
        return snprintf(out, len, "%s", v) < (int)len ? 0 : -1;
    const char *home = getenv("HOME");
    if (!home || !*home)
        return -1;
    return snprintf(out, len, "%s/.aws/%s", home, rel) < (int)len ? 0 : -1;
}

int cred_ini_load(struct cred_ini **out, char *errbuf, size_t errlen)
{
    struct cred_ini *ini = cred_ini_new();
    if (!ini)
        return S3E_ENOMEM;
    char path[1024];
    int rc = S3E_OK;
    if (shared_path(path, sizeof path, "AWS_SHARED_CREDENTIALS_FILE", "credentials") == 0)
        rc = read_file(ini, path, 0, errbuf, errlen);
    if (!rc && shared_path(path, sizeof path, "AWS_CONFIG_FILE", "config") == 0)
        rc = read_file(ini, path, 1, errbuf, errlen);
    if (rc) {
        cred_ini_free(ini);
        return rc;
    }
    *out = ini;
    return S3E_OK;
}

static const char *lookup(const struct cred_ini *ini, enum sect_kind kind, const char *section,
                          const char *key)
{
    /* a later line of the same section wins, as in Python's configparser */
    const char *found = NULL;
    for (size_t i = 0; i < ini->n; i++)
        if (ini->e[i].kind == kind && strcmp(ini->e[i].section, section) == 0 &&
            (!key || strcmp(ini->e[i].key, key) == 0))
            found = ini->e[i].value;
    return found;
}

const char *cred_ini_get(const struct cred_ini *ini, const char *profile, const char *key)
{
    const char *v = lookup(ini, SECT_CRED_PROFILE, profile, key);
    return v ? v : lookup(ini, SECT_CONF_PROFILE, profile, key);
}

int cred_ini_has_profile(const struct cred_ini *ini, const char *profile)
{
    return cred_ini_get(ini, profile, NULL) != NULL;
}

const char *cred_ini_sso_session(const struct cred_ini *ini, const char *session, const char *key)
{
    return lookup(ini, SECT_SSO_SESSION, session, key);
}
