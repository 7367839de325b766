/*
 * MLPerf Tiny / EEMBC host protocol, device side. See ek_protocol.h.
 *
 * Every buffer here is fixed: the command line (EK_CMD_MAX bytes), the upload buffer the device
 * supplies (db_capacity) and the lap table (EK_MAX_LAPS). An overlong, non-printable or malformed
 * command is answered with one "e-[...]" line and "m-ready"; nothing is written out of bounds.
 * Output is formatted by hand (no printf) so the firmware needs no libc formatting code.
 */
#include "ek_protocol.h"

#include <string.h>

#define MAX_TOKENS 4

static void put(const ek_protocol_t *p, const char *s)
{
    p->dev->write(p->dev->user, s, strlen(s));
}

static void put_n(const ek_protocol_t *p, const char *s, size_t n)
{
    p->dev->write(p->dev->user, s, n);
}

static void put_u64(const ek_protocol_t *p, uint64_t v)
{
    char buf[21];
    int i = (int)sizeof(buf);
    do {
        buf[--i] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u && i > 0);
    put_n(p, buf + i, sizeof(buf) - (size_t)i);
}

static void put_i64(const ek_protocol_t *p, int64_t v)
{
    if (v < 0) {
        put(p, "-");
        put_u64(p, (uint64_t)(-(v + 1)) + 1u);
    } else {
        put_u64(p, (uint64_t)v);
    }
}

static void put_hex(const ek_protocol_t *p, const uint8_t *b, int32_t n)
{
    static const char digits[] = "0123456789abcdef";
    char chunk[64];
    size_t used = 0;
    for (int32_t i = 0; i < n; i++) {
        chunk[used++] = digits[b[i] >> 4];
        chunk[used++] = digits[b[i] & 0xFu];
        if (used == sizeof(chunk)) {
            put_n(p, chunk, used);
            used = 0;
        }
    }
    put_n(p, chunk, used);
}

/* "%0.3f" without printf: sign, integer part, three rounded decimals. */
static void put_f3(const ek_protocol_t *p, float v)
{
    if (v != v) {
        put(p, "nan");
        return;
    }
    if (v < 0.0f) {
        put(p, "-");
        v = -v;
    }
    if (v >= 1.0e15f) {
        put(p, "inf");
        return;
    }
    uint64_t milli = (uint64_t)((double)v * 1000.0 + 0.5);
    put_u64(p, milli / 1000u);
    char frac[4] = {'.', (char)('0' + (int)(milli / 100u % 10u)), (char)('0' + (int)(milli / 10u % 10u)),
                    (char)('0' + (int)(milli % 10u))};
    put_n(p, frac, 4);
}

static void line_end(const ek_protocol_t *p)
{
    put(p, "\r\n");
}

static void error(const ek_protocol_t *p, const char *msg, const char *arg)
{
    put(p, "e-[");
    put(p, msg);
    if (arg != NULL) {
        put(p, arg);
    }
    put(p, "]");
    line_end(p);
}

/* Strict unsigned decimal in [lo, hi]; returns 0 on success. */
static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    uint64_t v = 0;
    if (s == NULL || *s == '\0') {
        return -1;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return -1;
        }
        v = v * 10u + (uint64_t)(*s - '0');
        if (v > hi) {
            return -1;
        }
    }
    if (v < lo) {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static uint64_t to_units(const ek_device_t *d, uint64_t ticks)
{
    return ticks * d->units_per_tick_num / (d->units_per_tick_den ? d->units_per_tick_den : 1u);
}

static uint32_t to_us(const ek_device_t *d, uint64_t ticks)
{
    uint32_t tps = d->ticks_per_second ? d->ticks_per_second : 1u;
    /* split to avoid overflowing 64 bits on long runs */
    uint64_t us = (ticks / tps) * 1000000u + (ticks % tps) * 1000000u / tps;
    return (uint32_t)us; /* wraps like the reference's %lu of a 32-bit counter */
}

static void cmd_name(ek_protocol_t *p)
{
    put(p, "m-name-dut-[");
    put(p, p->dev->device_name);
    put(p, "]");
    line_end(p);
}

static void cmd_profile(ek_protocol_t *p)
{
    const ek_device_t *d = p->dev;
    put(p, "m-profile-[edgekit firmware 0.1]");
    line_end(p);
    put(p, "m-model-[");
    put(p, d->model_name);
    put(p, "]");
    line_end(p);
    put(p, "ek-model-hash-");
    put(p, d->model_hash);
    line_end(p);
    put(p, "ek-arena-bytes-");
    put_u64(p, d->arena_bytes);
    line_end(p);
    put(p, "ek-input-bytes-");
    put_u64(p, d->db_capacity);
    line_end(p);
    put(p, "ek-units-");
    put(p, d->units);
    line_end(p);
    put(p, "ek-ticks-per-second-");
    put_u64(p, d->ticks_per_second);
    line_end(p);
}

static void cmd_db(ek_protocol_t *p, char **tok, int ntok)
{
    if (ntok < 2) {
        error(p, "db needs 'load N' or hex data", NULL);
        return;
    }
    if (strcmp(tok[1], "load") == 0) {
        uint32_t n = 0;
        if (ntok != 3 || parse_u32(tok[2], 1u, 0xFFFFFFFFu, &n) != 0) {
            error(p, "db load needs one byte count", NULL);
            return;
        }
        if (n > p->dev->db_capacity) {
            p->db_expected = 0;
            p->db_pos = 0;
            error(p, "db load size exceeds the model input bytes: ", tok[2]);
            return;
        }
        p->db_expected = n;
        p->db_pos = 0;
        p->have_results = 0;
        put(p, "m-[Expecting ");
        put_u64(p, n);
        put(p, " bytes]");
        line_end(p);
        return;
    }
    if (ntok != 2) {
        error(p, "db takes one hex payload", NULL);
        return;
    }
    if (p->db_expected == 0u) {
        error(p, "db load N must come before data", NULL);
        return;
    }
    const char *hex = tok[1];
    size_t len = strlen(hex);
    if ((len & 1u) != 0u) {
        error(p, "Insufficent number of hex digits", NULL); /* the reference device's wording */
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (hex_value(hex[i]) < 0) {
            error(p, "db payload is not hex", NULL);
            return;
        }
    }
    if (p->db_pos + len / 2u > p->db_expected) {
        error(p, "Input buffer overflow", NULL);
        return;
    }
    for (size_t i = 0; i < len; i += 2u) {
        p->dev->db[p->db_pos++] = (uint8_t)((hex_value(hex[i]) << 4) | hex_value(hex[i + 1u]));
    }
    if (p->db_pos == p->db_expected) {
        put(p, "m-load-done");
        line_end(p);
    }
}

static void print_results(ek_protocol_t *p)
{
    const ek_device_t *d = p->dev;
    put(p, "m-results-[");
    for (int32_t k = 0; k < d->num_outputs; k++) {
        const uint8_t *data = NULL;
        int32_t bytes = 0, dtype = 0, zp = 0;
        float scale = 0.0f;
        if (d->output(d->user, k, &data, &bytes, &dtype, &scale, &zp) != 0 || data == NULL) {
            continue;
        }
        int32_t size = dtype == 0 ? 1 : 4;
        for (int32_t i = 0; i + size <= bytes; i += size) {
            if (k > 0 || i > 0) {
                put(p, ",");
            }
            if (dtype == 0) {
                int32_t q = (int8_t)data[i];
                put_f3(p, scale != 0.0f ? (float)(q - zp) * scale : (float)q);
            } else if (dtype == 1) {
                float f;
                memcpy(&f, data + i, sizeof(f));
                put_f3(p, f);
            } else {
                int32_t v;
                memcpy(&v, data + i, sizeof(v));
                put_i64(p, v);
            }
        }
    }
    put(p, "]");
    line_end(p);
    for (int32_t k = 0; k < d->num_outputs; k++) {
        const uint8_t *data = NULL;
        int32_t bytes = 0, dtype = 0, zp = 0;
        float scale = 0.0f;
        if (d->output(d->user, k, &data, &bytes, &dtype, &scale, &zp) != 0 || data == NULL) {
            continue;
        }
        put(p, "ek-output-");
        put_u64(p, (uint64_t)k);
        put(p, "-");
        put_hex(p, data, bytes);
        line_end(p);
    }
}

static int run_one(ek_protocol_t *p, uint32_t *ticks)
{
    int32_t st = p->dev->infer(p->dev->user, p->dev->db, p->db_pos, ticks);
    if (st != 0) {
        p->have_results = 0;
        put(p, "e-[inference failed with status ");
        put_i64(p, st);
        put(p, "]");
        line_end(p);
        return -1;
    }
    return 0;
}

static void cmd_infer(ek_protocol_t *p, char **tok, int ntok)
{
    const ek_device_t *d = p->dev;
    uint32_t n = 0, warmup = 10u; /* the reference runner omits W to mean 10 */
    if (ntok < 2 || ntok > 3 || parse_u32(tok[1], 1u, EK_MAX_INFER, &n) != 0 ||
        (ntok == 3 && parse_u32(tok[2], 0u, EK_MAX_INFER, &warmup) != 0)) {
        error(p, "infer needs N (1..100000) and an optional warm-up count W", NULL);
        return;
    }
    if (p->db_expected == 0u || p->db_pos != p->db_expected) {
        error(p, "no complete input loaded; send db load N and the data first", NULL);
        return;
    }
    uint32_t ticks = 0;
    put(p, "m-warmup-start-");
    put_u64(p, warmup);
    line_end(p);
    for (uint32_t i = 0; i < warmup; i++) {
        if (run_one(p, &ticks) != 0) {
            return;
        }
    }
    put(p, "m-warmup-done");
    line_end(p);
    put(p, "m-infer-start-");
    put_u64(p, n);
    line_end(p);
    uint64_t t0 = d->now_ticks(d->user);
    put(p, "m-lap-us-");
    put_u64(p, to_us(d, t0));
    line_end(p);
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (run_one(p, &ticks) != 0) {
            return;
        }
        total += ticks;
        if (i < EK_MAX_LAPS) {
            p->laps[i] = ticks;
        }
    }
    uint64_t t1 = d->now_ticks(d->user);
    put(p, "m-lap-us-");
    put_u64(p, to_us(d, t1));
    line_end(p);
    put(p, "m-infer-done");
    line_end(p);
    p->have_results = 1;
    /* edgekit: every inference's own count (timed with interrupts masked), then the sum */
    put(p, "ek-laps-");
    put(p, d->units);
    put(p, "-[");
    for (uint32_t i = 0; i < n && i < EK_MAX_LAPS; i++) {
        if (i > 0) {
            put(p, ",");
        }
        put_u64(p, to_units(d, p->laps[i]));
    }
    put(p, "]");
    line_end(p);
    put(p, "ek-total-");
    put(p, d->units);
    put(p, "-");
    put_u64(p, to_units(d, total));
    line_end(p);
    print_results(p);
}

/* edgekit: per-op counts of the last inference, one "ek-op-<k>-<name>-<count>" line each */
static void cmd_ops(ek_protocol_t *p)
{
    const ek_device_t *d = p->dev;
    if (d->op_profile == NULL) {
        error(p, "per-op profiling is not built in; rebuild with -DEK_PROFILE_OPS", NULL);
        return;
    }
    if (!p->have_results) {
        error(p, "no results yet; run infer first", NULL);
        return;
    }
    const char *name = NULL;
    uint64_t ticks = 0;
    for (int32_t k = 0; d->op_profile(d->user, k, &name, &ticks) == 0; k++) {
        put(p, "ek-op-");
        put_u64(p, (uint64_t)k);
        put(p, "-");
        put(p, name != NULL ? name : "?");
        put(p, "-");
        put_u64(p, to_units(d, ticks));
        line_end(p);
    }
}

static void dispatch(ek_protocol_t *p, char *line)
{
    char *tok[MAX_TOKENS];
    int ntok = 0;
    char *s = line;
    while (*s != '\0') {
        while (*s == ' ') {
            *s++ = '\0';
        }
        if (*s == '\0') {
            break;
        }
        if (ntok == MAX_TOKENS) {
            error(p, "too many arguments", NULL);
            return;
        }
        tok[ntok++] = s;
        while (*s != '\0' && *s != ' ') {
            s++;
        }
    }
    if (ntok == 0) {
        error(p, "empty command", NULL);
        return;
    }
    if (strcmp(tok[0], "name") == 0 && ntok == 1) {
        cmd_name(p);
    } else if (strcmp(tok[0], "profile") == 0 && ntok == 1) {
        cmd_profile(p);
    } else if (strcmp(tok[0], "db") == 0) {
        cmd_db(p, tok, ntok);
    } else if (strcmp(tok[0], "infer") == 0) {
        cmd_infer(p, tok, ntok);
    } else if (strcmp(tok[0], "results") == 0 && ntok == 1) {
        if (p->have_results) {
            print_results(p);
        } else {
            error(p, "no results yet; run infer first", NULL);
        }
    } else if (strcmp(tok[0], "timestamp") == 0 && ntok == 1) {
        put(p, "m-lap-us-");
        put_u64(p, to_us(p->dev, p->dev->now_ticks(p->dev->user)));
        line_end(p);
    } else if (strcmp(tok[0], "ek-ops") == 0 && ntok == 1) {
        cmd_ops(p);
    } else if (strcmp(tok[0], "help") == 0 && ntok == 1) {
        put(p, "m-[commands: name profile db infer results timestamp ek-ops help]");
        line_end(p);
    } else {
        error(p, "Unknown command: ", tok[0]);
    }
}

void ek_protocol_init(ek_protocol_t *p, const ek_device_t *dev)
{
    memset(p, 0, sizeof(*p));
    p->dev = dev;
}

void ek_protocol_ready(ek_protocol_t *p)
{
    put(p, "m-ready");
    line_end(p);
}

void ek_protocol_feed(ek_protocol_t *p, uint8_t c)
{
    if (c == (uint8_t)'%') {
        p->line[p->len] = '\0';
        if (p->overflow) {
            error(p, "command longer than 80 characters", NULL);
        } else if (p->bad_byte) {
            error(p, "command contains non-printable bytes", NULL);
        } else {
            dispatch(p, p->line);
        }
        ek_protocol_ready(p);
        p->len = 0;
        p->overflow = 0;
        p->bad_byte = 0;
        return;
    }
    if (c == (uint8_t)'\r' || c == (uint8_t)'\n') {
        return; /* some hosts end commands with a newline too */
    }
    if (c < 0x20u || c > 0x7Eu) {
        p->bad_byte = 1;
        return;
    }
    if (p->len < EK_CMD_MAX) {
        p->line[p->len++] = (char)c;
    } else {
        p->overflow = 1;
    }
}
