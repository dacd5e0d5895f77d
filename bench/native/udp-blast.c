/*
 * The native UDP load generator for `npm run bench` (used when a C compiler is available): the same
 * pre-built templates and patched slots as bench/load-generator.ts, but sent with sendmmsg in
 * batches, so one core offers several hundred thousand datagrams/s and leaves the other to the
 * daemon. Paced by CLOCK_MONOTONIC (the clock process.hrtime reads, so the sink's latency math holds).
 *
 * usage: udp-blast PORT RATE SECONDS TAG SENDER FIRST_SEQ TEMPLATE_FILE
 * template file: repeated [u32 len][u32 id_off][u32 trace_off][u32 stamp_off][u32 start_off][u32 end_off][len bytes]
 * prints: sent elapsed_ms send_errors
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_TEMPLATES 256
#define MAX_LEN 65536
#define DURATION_US 50000 /* DURATION_MICROS in segment-template.ts */

typedef struct { uint32_t len, id_off, trace_off, stamp_off, start_off, end_off; unsigned char *bytes; } tmpl_t;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double wall_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* epoch microseconds as SSSSSSSSSS.uuuuuu (17 characters), like bench/segment-template.ts writeTime */
static void write_time(unsigned char *p, uint64_t us) {
  for (int i = 16; i >= 0; i--) {
    if (i == 10) { p[i] = '.'; continue; }
    p[i] = '0' + us % 10;
    us /= 10;
  }
}

static void write_hex(unsigned char *p, uint64_t n, int width) {
  static const char hex[] = "0123456789abcdef";
  for (int i = width - 1; i >= 0; i--) { p[i] = hex[n & 15]; n >>= 4; }
}

int main(int argc, char **argv) {
  if (argc != 8) { fprintf(stderr, "usage: udp-blast PORT RATE SECONDS TAG SENDER FIRST_SEQ TEMPLATE_FILE\n"); return 2; }
  int port = atoi(argv[1]);
  double rate = atof(argv[2]), seconds = atof(argv[3]);
  uint64_t tag = strtoull(argv[4], 0, 10), sender = strtoull(argv[5], 0, 10), first = strtoull(argv[6], 0, 10);
  FILE *f = fopen(argv[7], "rb");
  if (!f) { perror("templates"); return 2; }
  static tmpl_t t[MAX_TEMPLATES];
  int nt = 0;
  uint32_t hdr[6];
  while (nt < MAX_TEMPLATES && fread(hdr, 4, 6, f) == 6) {
    t[nt].len = hdr[0]; t[nt].id_off = hdr[1]; t[nt].trace_off = hdr[2]; t[nt].stamp_off = hdr[3];
    t[nt].start_off = hdr[4]; t[nt].end_off = hdr[5];
    if (t[nt].len > MAX_LEN) return 2;
    t[nt].bytes = malloc(t[nt].len);
    if (fread(t[nt].bytes, 1, t[nt].len, f) != t[nt].len) return 2;
    nt++;
  }
  fclose(f);
  if (nt == 0) return 2;

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int sndbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("connect"); return 2; }

  static unsigned char bufs[BATCH][MAX_LEN];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  memset(msgs, 0, sizeof msgs);
  uint64_t total = (uint64_t)(rate * seconds), sent = 0, errors = 0;
  double start = now_us(), end = start + seconds * 1e6;
  for (;;) {
    double now = now_us();
    if (sent >= total || now >= end) break;
    uint64_t due = (uint64_t)((now - start) / 1e6 * rate);
    if (due > total) due = total;
    if (due <= sent) {
      struct timespec nap = { 0, 100000 }; /* 100 µs */
      nanosleep(&nap, 0);
      continue;
    }
    int n = due - sent > BATCH ? BATCH : (int)(due - sent);
    uint64_t stamp = (uint64_t)now_us();
    uint64_t wall = (uint64_t)wall_us();
    for (int i = 0; i < n; i++) {
      uint64_t seq = first + sent + i;
      tmpl_t *tp = &t[seq % nt];
      memcpy(bufs[i], tp->bytes, tp->len);
      write_hex(bufs[i] + tp->id_off, tag, 2);
      write_hex(bufs[i] + tp->id_off + 2, sender, 2);
      write_hex(bufs[i] + tp->id_off + 4, seq, 12);
      write_hex(bufs[i] + tp->trace_off, tag * 256 + sender, 12);
      write_hex(bufs[i] + tp->trace_off + 12, seq, 12);
      write_hex(bufs[i] + tp->stamp_off, stamp, 16);
      write_time(bufs[i] + tp->start_off, wall - DURATION_US);
      write_time(bufs[i] + tp->end_off, wall);
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = tp->len;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int done = sendmmsg(fd, msgs, n, 0);
    if (done < 0) { /* e.g. ECONNREFUSED after an ICMP from a closed port: not offered, try again */
      errors++;
      struct timespec nap = { 0, 100000 };
      nanosleep(&nap, 0);
      continue;
    }
    sent += done;
  }
  double elapsed_ms = (now_us() - start) / 1e3;
  printf("%llu %.3f %llu\n", (unsigned long long)sent, elapsed_ms, (unsigned long long)errors);
  return 0;
}
