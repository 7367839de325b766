/*
 * Host harness for board/ek_protocol.c under AddressSanitizer + UBSan: a fake device (4-byte input,
 * 3-byte int8 output, deterministic "inference") and a fuzz loop over random, overlong and structured
 * command streams. Replies go to a bounded sink that checks the protocol's invariants; a violation or a
 * sanitizer report exits non-zero.
 *   usage: fuzz_protocol SEED ITERATIONS   |   fuzz_protocol -   (commands from stdin, replies to stdout)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ek_protocol.h"

static uint8_t db[4];
static uint8_t out[3];
static uint64_t clock_ticks;
static int echo;
static char current[512];
static size_t current_len;
static unsigned long lines_total, ready_total, errors_total;

static void check_line(void)
{
    /* every line the device sends is a protocol line: m-, e-[ or ek- */
    if (!(strncmp(current, "m-", 2) == 0 || strncmp(current, "e-[", 3) == 0 || strncmp(current, "ek-", 3) == 0)) {
        fprintf(stderr, "bad reply line: %.*s\n", (int)current_len, current);
        exit(3);
    }
    lines_total++;
    if (strcmp(current, "m-ready") == 0) {
        ready_total++;
    }
    if (current[0] == 'e') {
        errors_total++;
    }
}

static void sink(void *user, const char *s, size_t n)
{
    (void)user;
    if (echo) {
        fwrite(s, 1, n, stdout);
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            continue;
        }
        if (s[i] == '\n') {
            current[current_len] = '\0';
            check_line();
            current_len = 0;
            continue;
        }
        if (current_len + 1 >= sizeof(current)) {
            fprintf(stderr, "reply line longer than %zu bytes\n", sizeof(current));
            exit(4);
        }
        current[current_len++] = s[i];
    }
}

static uint64_t now(void *user)
{
    (void)user;
    return clock_ticks += 1000u;
}

static int32_t infer(void *user, const uint8_t *in, uint32_t n, uint32_t *ticks)
{
    (void)user;
    if (n > sizeof(db)) {
        fprintf(stderr, "infer got %u bytes, capacity %zu\n", n, sizeof(db));
        exit(5);
    }
    for (int i = 0; i < 3; i++) {
        out[i] = (uint8_t)(in[i] ^ in[i + 1]);
    }
    *ticks = 123u;
    return 0;
}

static int32_t output(void *user, int32_t k, const uint8_t **data, int32_t *bytes, int32_t *dtype, float *scale,
                      int32_t *zp)
{
    (void)user;
    if (k != 0) {
        return 1;
    }
    *data = out;
    *bytes = 3;
    *dtype = 0;
    *scale = 0.5f;
    *zp = -3;
    return 0;
}

static const ek_device_t device = {
    .user = NULL, .write = sink, .now_ticks = now, .infer = infer, .output = output, .num_outputs = 1, .op_profile = NULL,
    .db = db, .db_capacity = sizeof(db), .device_name = "host", .model_name = "fake", .model_hash = "0011223344556677",
    .arena_bytes = 16, .ticks_per_second = 25000000u, .units_per_tick_num = 40u, .units_per_tick_den = 1u,
    .units = "instructions",
};

static const char *const vocabulary[] = {
    "name", "profile", "db load 4", "db load 0", "db load 5", "db load 99999999999", "db 0a0b", "db 0a0b0c0d",
    "db zz", "db 0", "infer 1", "infer 3 0", "infer 0", "infer 70 1", "infer x", "results", "timestamp", "help",
    "db", "db load", "infer", "infer 1 2 3 4 5", "ek-ops", "   ", "", "db load -1", "infer 4294967296",
};

static void feed_str(ek_protocol_t *p, const char *s)
{
    for (; *s; s++) {
        ek_protocol_feed(p, (uint8_t)*s);
    }
}

int main(int argc, char **argv)
{
    ek_protocol_t p;
    ek_protocol_init(&p, &device);
    if (argc == 2 && strcmp(argv[1], "-") == 0) {
        echo = 1;
        int c;
        while ((c = getchar()) != EOF) {
            ek_protocol_feed(&p, (uint8_t)c);
        }
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: %s SEED ITERATIONS | -\n", argv[0]);
        return 2;
    }
    srand((unsigned)strtoul(argv[1], NULL, 10));
    long iterations = strtol(argv[2], NULL, 10);
    unsigned long commands = 0;
    for (long it = 0; it < iterations; it++) {
        int kind = rand() % 4;
        if (kind == 0) { /* random bytes, '%' included now and then */
            int n = rand() % 300;
            for (int i = 0; i < n; i++) {
                uint8_t c = (uint8_t)(rand() % 8 == 0 ? '%' : rand() % 256);
                commands += c == '%';
                ek_protocol_feed(&p, c);
            }
        } else if (kind == 1) { /* overlong printable command */
            int n = 81 + rand() % 2000;
            for (int i = 0; i < n; i++) {
                uint8_t c = (uint8_t)(' ' + rand() % 95); /* printable, '%' replaced */
                ek_protocol_feed(&p, c == '%' ? (uint8_t)'x' : c);
            }
            ek_protocol_feed(&p, '%');
            commands++;
        } else { /* structured: a valid-looking command sequence */
            int n = 1 + rand() % 6;
            for (int i = 0; i < n; i++) {
                feed_str(&p, vocabulary[rand() % (sizeof(vocabulary) / sizeof(vocabulary[0]))]);
                ek_protocol_feed(&p, '%');
                commands++;
            }
        }
    }
    ek_protocol_feed(&p, '%'); /* flush whatever is pending */
    commands++;
    if (ready_total != commands) {
        fprintf(stderr, "%lu commands but %lu m-ready lines\n", commands, ready_total);
        return 6;
    }
    printf("ok commands=%lu lines=%lu errors=%lu\n", commands, lines_total, errors_total);
    return 0;
}
