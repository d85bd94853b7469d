/*
 * fuzz_util.c: the small helpers of fuzz.h.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

char *fx_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) {
        fprintf(stderr, "fuzz: out of memory\n");
        abort();
    }
    if (size)
        memcpy(s, data, size);
    s[size] = 0;
    return s;
}

int fx_next(fx_reader *r, const uint8_t **piece, size_t *len)
{
    if (r->left < 2)
        return 0;
    size_t n = (size_t)r->p[0] << 8 | r->p[1];
    r->p += 2;
    r->left -= 2;
    if (n > r->left)
        n = r->left;
    *piece = r->p;
    *len = n;
    r->p += n;
    r->left -= n;
    return 1;
}

uint8_t fx_byte(fx_reader *r)
{
    if (!r->left)
        return 0;
    r->left--;
    return *r->p++;
}

int fx_memfd(char *path, size_t pathlen)
{
    int fd = memfd_create("fuzz-input", 0);
    if (fd < 0)
        abort();
    snprintf(path, pathlen, "/proc/self/fd/%d", fd);
    return fd;
}

void fx_memfd_set(int fd, const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        abort();
}

void fx_quiet_stdout(void)
{
    int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, 1) < 0)
        abort();
    close(null);
}
