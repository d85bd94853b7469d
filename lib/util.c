/*
 * util.c: identifiers, files, encodings, time.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int qr_valid_id(const char *s)
{
    size_t n = 0;
    if (!s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return n <= QR_MAX_ID;
}

int qr_read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
    int rc = QR_IO;
    uint8_t *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? QR_NOT_FOUND : QR_IO;
    struct stat st;
    if (fstat(fd, &st) != 0)
        goto out;
    if ((uint64_t)st.st_size > max) {
        rc = QR_TOO_LARGE;
        goto out;
    }
    size_t size = (size_t)st.st_size, got = 0;
    if ((buf = malloc(size + 1)) == NULL) {
        rc = QR_NOMEM;
        goto out;
    }
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto out;
        got += (size_t)r;
    }
    buf[size] = 0;
    *out = buf;
    *len = size;
    buf = NULL;
    rc = QR_OK;
out:
    free(buf);
    close(fd);
    return rc;
}

int qr_read_stream(const char *path, size_t max, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? QR_NOT_FOUND : QR_IO;
    size_t got = 0;
    uint8_t *buf = malloc(max + 2);
    int rc = buf ? QR_OK : QR_NOMEM;
    while (rc == QR_OK && got <= max) {
        size_t n = fread(buf + got, 1, max + 1 - got, f);
        got += n;
        if (n == 0) { /* end of file, or an error */
            rc = ferror(f) ? QR_IO : QR_OK;
            break;
        }
    }
    int saved = errno;
    fclose(f);
    errno = saved;
    if (rc == QR_OK && got > max)
        rc = QR_TOO_LARGE;
    if (rc != QR_OK) {
        free(buf);
        return rc;
    }
    buf[got] = 0;
    *out = buf;
    *len = got;
    return QR_OK;
}

int qr_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return QR_TOO_LARGE;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return QR_IO;
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto fail;
        done += (size_t)w;
    }
    if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
        goto fail;
    close(fd);
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return QR_IO;
    }
    return QR_OK;
fail:
    close(fd);
    unlink(tmp);
    return QR_IO;
}

int qr_mkdir_p(const char *path, mode_t mode)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return QR_IO;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != 0)
            continue;
        char c = buf[i];
        buf[i] = 0;
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
            return QR_IO;
        buf[i] = c;
    }
    return QR_OK;
}

char *qr_b64(const uint8_t *data, size_t len)
{
    size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *s = malloc(n);
    if (s)
        sodium_bin2base64(s, n, data, len, sodium_base64_VARIANT_ORIGINAL);
    return s;
}

int qr_b64_decode_exact(const char *s, uint8_t *out, size_t want)
{
    uint8_t buf[512];
    size_t got = 0;
    const char *end = NULL;
    if (!s || want > sizeof buf)
        return QR_BAD_KEY;
    if (sodium_base642bin(buf, sizeof buf, s, strlen(s), NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        *end != 0 || got != want)
        return QR_BAD_KEY;
    memcpy(out, buf, want);
    sodium_memzero(buf, sizeof buf);
    return QR_OK;
}

void qr_hex(const uint8_t *data, size_t len, char *out)
{
    sodium_bin2hex(out, 2 * len + 1, data, len);
}

int64_t qr_now(void)
{
    return (int64_t)time(NULL);
}

void qr_time_iso(int64_t t, char *out, size_t outlen)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void qr_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int qr_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return err;
}
