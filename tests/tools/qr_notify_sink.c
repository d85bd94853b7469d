/*
 * qr_notify_sink: stands in for systemd's notification socket in tests.  Binds an AF_UNIX
 * datagram socket at PATH, prints every line of every datagram it receives (READY=1,
 * WATCHDOG=1, ...), flushed at once, and exits after SECONDS or soon after STOPPING=1.
 *
 * usage: qr_notify_sink PATH SECONDS
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: qr_notify_sink PATH SECONDS\n");
        return 2;
    }
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(argv[1]) >= sizeof sa.sun_path) {
        fprintf(stderr, "qr_notify_sink: path too long\n");
        return 2;
    }
    memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    unlink(argv[1]);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("qr_notify_sink");
        return 1;
    }
    time_t end = time(NULL) + atoi(argv[2]);
    int stopping = 0;
    while (time(NULL) < end) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, stopping ? 200 : 500) <= 0) {
            if (stopping)
                break;
            continue;
        }
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            continue;
        buf[n] = 0;
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
            printf("%s\n", line);
            if (strcmp(line, "STOPPING=1") == 0)
                stopping = 1;
        }
        fflush(stdout);
    }
    close(fd);
    unlink(argv[1]);
    return 0;
}
