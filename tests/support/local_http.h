/* local_http.h - a loopback HTTP listener for unit tests: each connection's
 * request head is read and handed to the test's answer function. */
#ifndef S3E_TEST_LOCAL_HTTP_H
#define S3E_TEST_LOCAL_HTTP_H

/* Answer one request: head is its request line and headers (up to the blank
 * line, at most 8 KB). The connection is closed afterwards. */
typedef void (*local_http_fn)(int fd, const char *head, void *ud);

/* Listen on 127.0.0.1, a free port, with nthreads threads taking connections.
 * answer NULL: read each connection until the client closes it, never answer
 * (a silent server). Returns the port, or -1. */
int  local_http_start(local_http_fn answer, void *ud, int nthreads);
/* Write all of text to fd (errors ignored: the client may be gone). */
void local_http_write(int fd, const char *text);

#endif
