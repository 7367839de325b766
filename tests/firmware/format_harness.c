/*
 * Host harness for board/ek_protocol.c's number formatting: a fake device whose one output is float32
 * values read from stdin (hex bit patterns, one per line), with the tick conversion figures from argv.
 * It runs "db load 1", "db 00", "infer 3 0" and prints the device's replies, so the test can compare
 * every number (laps, total, lap-us, results) with the same figures computed in Python.
 *   usage: format_harness NUM DEN TICKS_PER_SECOND TICKS NOW < bits.txt
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ek_protocol.h"

#define MAX_VALUES 65536

static float values[MAX_VALUES];
static int32_t count;
static uint8_t db[1];
static uint32_t infer_ticks;
static uint64_t now_value;

static void sink(void *user, const char *s, size_t n)
{
    (void)user;
    fwrite(s, 1, n, stdout);
}

static uint64_t now(void *user)
{
    (void)user;
    return now_value;
}

static int32_t infer(void *user, const uint8_t *in, uint32_t n, uint32_t *ticks)
{
    (void)user;
    (void)in;
    (void)n;
    *ticks = infer_ticks;
    return 0;
}

static int32_t output(void *user, int32_t k, const uint8_t **data, int32_t *bytes, int32_t *dtype, float *scale,
                      int32_t *zp)
{
    (void)user;
    if (k != 0) {
        return 1;
    }
    *data = (const uint8_t *)values;
    *bytes = count * (int32_t)sizeof(float);
    *dtype = 1;
    *scale = 0.0f;
    *zp = 0;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s NUM DEN TICKS_PER_SECOND TICKS NOW < bits.txt\n", argv[0]);
        return 2;
    }
    ek_device_t dev = {
        .write = sink, .now_ticks = now, .infer = infer, .output = output, .num_outputs = 1, .op_profile = NULL,
        .db = db, .db_capacity = sizeof(db), .device_name = "host", .model_name = "fmt", .model_hash = "00",
        .arena_bytes = 0, .units = "instructions",
        .units_per_tick_num = (uint32_t)strtoul(argv[1], NULL, 0),
        .units_per_tick_den = (uint32_t)strtoul(argv[2], NULL, 0),
        .ticks_per_second = (uint32_t)strtoul(argv[3], NULL, 0),
    };
    infer_ticks = (uint32_t)strtoul(argv[4], NULL, 0);
    now_value = strtoull(argv[5], NULL, 0);
    unsigned long bits;
    while (count < MAX_VALUES && scanf("%lx", &bits) == 1) {
        uint32_t b = (uint32_t)bits;
        memcpy(&values[count++], &b, sizeof(b));
    }
    ek_protocol_t p;
    ek_protocol_init(&p, &dev);
    for (const char *s = "db load 1%db 00%infer 3 0%"; *s != '\0'; s++) {
        ek_protocol_feed(&p, (uint8_t)*s);
    }
    return 0;
}
