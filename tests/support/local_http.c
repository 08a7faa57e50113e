/* local_http.c - a loopback HTTP listener for unit tests (local_http.h). */
#include "local_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct listener {
    int fd;
    local_http_fn answer;
    void *ud;
};

static void *serve(void *arg)
{
    struct listener *l = arg;
    for (;;) {
        int fd = accept(l->fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        char buf[8192];
        size_t n = 0;
        for (;;) {
            ssize_t r = read(fd, l->answer ? buf + n : buf, l->answer ? sizeof buf - 1 - n
                                                                     : sizeof buf);
            if (r <= 0)
                break;
            if (!l->answer)
                continue; /* silent: read until the client closes */
            n += (size_t)r;
            buf[n] = '\0';
            if (strstr(buf, "\r\n\r\n") || n == sizeof buf - 1)
                break;
        }
        buf[l->answer ? n : 0] = '\0';
        if (l->answer)
            l->answer(fd, buf, l->ud);
        close(fd);
    }
}

int local_http_start(local_http_fn answer, void *ud, int nthreads)
{
    struct listener *l = malloc(sizeof *l); /* lives as long as the test */
    if (!l)
        return -1;
    *l = (struct listener){ socket(AF_INET, SOCK_STREAM, 0), answer, ud };
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&a, sizeof a) || listen(l->fd, 64) ||
        getsockname(l->fd, (struct sockaddr *)&a, &len))
        return -1;
    for (int i = 0; i < nthreads; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, serve, l))
            return -1;
        pthread_detach(t);
    }
    return ntohs(a.sin_port);
}

void local_http_write(int fd, const char *text)
{
    size_t n = strlen(text);
    while (n) {
        ssize_t w = write(fd, text, n);
        if (w <= 0)
            return;
        text += w;
        n -= (size_t)w;
    }
}
