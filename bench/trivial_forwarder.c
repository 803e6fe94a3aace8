// SPDX-License-Identifier: BSD-3-Clause
//
// trivial_forwarder: the benchmark's floor. A minimal, single-threaded TUN <-> UDP forwarder
// that moves one packet per syscall: every IP packet read from the TUN device is sent as one
// UDP datagram to the peer, every datagram received from the peer is written to the TUN device.
// No header, no crypto, no batching, no offloads. It exists only for bench/ (compiled by
// bench/tunnels/trivial.sh with gcc) and is never installed.
//
//   trivial_forwarder DEV LOCAL_ADDR LOCAL_PORT PEER_ADDR PEER_PORT
//
// It creates the TUN device DEV (IFF_TUN | IFF_NO_PI, not persistent); the caller sets its MTU,
// address and state with ip(8). SIGTERM/SIGINT end it; the device goes with the process.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

enum { buf_size = 65536, budget = 64 };

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int open_tun(const char* name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        perror("open /dev/net/tun");
        exit(1);
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        perror("TUNSETIFF");
        exit(1);
    }
    return fd;
}

static struct sockaddr_in parse_addr(const char* addr, const char* port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(port));
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "bad IPv4 address '%s'\n", addr);
        exit(2);
    }
    return sa;
}

static int open_udp(struct sockaddr_in local, struct sockaddr_in peer)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (bind(fd, (struct sockaddr*)&local, sizeof local) < 0) {
        perror("bind");
        exit(1);
    }
    if (connect(fd, (struct sockaddr*)&peer, sizeof peer) < 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

int main(int argc, char** argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s DEV LOCAL_ADDR LOCAL_PORT PEER_ADDR PEER_PORT\n", argv[0]);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int tun = open_tun(argv[1]);
    int udp = open_udp(parse_addr(argv[2], argv[3]), parse_addr(argv[4], argv[5]));
    static unsigned char buf[buf_size];
    unsigned long long to_peer = 0, from_peer = 0, dropped = 0;
    struct pollfd fds[2] = {{.fd = tun, .events = POLLIN}, {.fd = udp, .events = POLLIN}};

    fprintf(stderr, "trivial_forwarder: %s <-> %s:%s -> %s:%s\n", argv[1], argv[2], argv[3],
            argv[4], argv[5]);
    while (!stop) {
        if (poll(fds, 2, 1000) < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("poll");
            return 1;
        }
        // One packet per read and one per write; at most `budget` packets per side per wakeup.
        for (int i = 0; i < budget && (fds[0].revents & POLLIN); ++i) {
            ssize_t n = read(tun, buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            if (send(udp, buf, (size_t)n, 0) < 0) {
                ++dropped;
            } else {
                ++to_peer;
            }
        }
        for (int i = 0; i < budget && (fds[1].revents & POLLIN); ++i) {
            ssize_t n = recv(udp, buf, sizeof buf, 0);
            if (n <= 0) {
                break;
            }
            if (write(tun, buf, (size_t)n) < 0) {
                ++dropped;
            } else {
                ++from_peer;
            }
        }
    }
    fprintf(stderr, "trivial_forwarder: %llu to peer, %llu from peer, %llu dropped\n", to_peer,
            from_peer, dropped);
    return 0;
}
