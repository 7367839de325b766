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

/* Small string helpers instead of libc's strlen/strcmp: newlib's are unrolled for speed (~1 KB on
 * Cortex-M) and the protocol only compares short command words. */
static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

static int str_eq(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* n / d and n % d by shift and subtract. The protocol's only 64-bit divisions are in replies (tick
 * conversion, decimal output), where speed does not matter; libgcc's __aeabi_uldivmod would add ~0.8 KB,
 * and cores without a divide instruction would also pull in the 32-bit helpers. */
static uint64_t div_u64(uint64_t n, uint32_t d, uint32_t *rem)
{
    uint32_t r = 0;
    for (int i = 0; i < 64; i++) {
        uint32_t carry = r >> 31; /* r < 2d <= 2^33: the bit shifted out of r counts */
        r = (r << 1) | (uint32_t)(n >> 63);
        n <<= 1; /* the quotient bits enter n from the right as the dividend bits leave on the left */
        if (carry != 0u || r >= d) {
            r -= d;
            n |= 1u;
        }
    }
    *rem = r;
    return n;
}

static void put_n(const ek_protocol_t *p, const char *s, size_t n)
{
    p->dev->write(p->dev->user, s, n);
}

static void put(const ek_protocol_t *p, const char *s)
{
    put_n(p, s, str_len(s));
}

/* v / 10^decimals in decimal, with exactly `decimals` digits after the point (none and no point for 0). */
static void put_fixed(const ek_protocol_t *p, uint64_t v, int decimals)
{
    char buf[24]; /* 20 digits of a uint64_t, the point, spare */
    size_t i = sizeof(buf);
    int n = 0;
    do {
        uint32_t digit;
        if (n == decimals && n > 0) {
            buf[--i] = '.';
        }
        v = div_u64(v, 10u, &digit);
        buf[--i] = (char)('0' + (int)digit);
        n++;
    } while (v != 0u || n <= decimals);
    put_n(p, buf + i, sizeof(buf) - i);
}

static void put_u64(const ek_protocol_t *p, uint64_t v)
{
    put_fixed(p, v, 0);
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

#define F32_INF_BITS 0x7F800000u
#define F32_1E15_BITS 0x58635FA9u /* 1.0e15f */

/* "%0.3f" without printf or floating point: sign, integer part, three decimals rounded half up.
 * The digits are those of (uint64_t)((double)v * 1000.0 + 0.5), computed exactly in integers from the
 * float's bits: v = m * 2^e with m < 2^24, so v * 1000 = (m * 1000) * 2^e, and floor(v * 1000 + 1/2) is
 * a shift with rounding. (The double expression is exact for every float below 1e15: m * 1000 has at
 * most 34 significant bits, and adding 0.5 never rounds across an integer.) No soft-float or 64-bit
 * division helpers are linked in, on any core. */
static void put_f3(const ek_protocol_t *p, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof(bits));
    uint32_t mag = bits & 0x7FFFFFFFu;
    if (mag > F32_INF_BITS) {
        put(p, "nan");
        return;
    }
    if ((bits >> 31) != 0u && mag != 0u) { /* -0.0 prints as 0.000, as v < 0.0f is false for it */
        put(p, "-");
    }
    if (mag >= F32_1E15_BITS) {
        put(p, "inf");
        return;
    }
    uint32_t biased = mag >> 23;
    uint32_t m = mag & 0x7FFFFFu;
    int32_t e = -149; /* subnormal: m * 2^-149 */
    if (biased != 0u) {
        m |= 0x800000u; /* normal: (2^23 + m) * 2^(biased - 150) */
        e = (int32_t)biased - 150;
    }
    uint64_t x = (uint64_t)m * 1000u;
    if (e >= 0) {
        for (; e > 0; e--) { /* e <= 26 below 1e15; constant shifts need no libgcc helper */
            x <<= 1;
        }
    } else if (e < -40) {
        x = 0u; /* v * 1000 < 2^34 * 2^-41 < 1/2 */
    } else {
        for (; e < -1; e++) {
            x >>= 1; /* floor(v * 1000 * 2) */
        }
        x = (x + 1u) >> 1; /* floor((floor(2y) + 1) / 2) == floor(y + 1/2) */
    }
    put_fixed(p, x, 3);
}

static void line_end(const ek_protocol_t *p)
{
    put(p, "\r\n");
}

/* One `<prefix><decimal>` reply line. */
static void put_line_u64(const ek_protocol_t *p, const char *prefix, uint64_t v)
{
    put(p, prefix);
    put_u64(p, v);
    line_end(p);
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
    uint32_t rem;
    return div_u64(ticks * d->units_per_tick_num, d->units_per_tick_den ? d->units_per_tick_den : 1u, &rem);
}

static uint32_t to_us(const ek_device_t *d, uint64_t ticks)
{
    uint32_t tps = d->ticks_per_second ? d->ticks_per_second : 1u;
    uint32_t rest;
    /* split to avoid overflowing 64 bits on long runs */
    uint64_t whole = div_u64(ticks, tps, &rest);
    uint64_t us = whole * 1000000u + div_u64((uint64_t)rest * 1000000u, tps, &rest);
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
    put_line_u64(p, "ek-arena-bytes-", d->arena_bytes);
    put_line_u64(p, "ek-input-bytes-", d->db_capacity);
    put(p, "ek-units-");
    put(p, d->units);
    line_end(p);
    put_line_u64(p, "ek-ticks-per-second-", d->ticks_per_second);
}

static void cmd_db(ek_protocol_t *p, char **tok, int ntok)
{
    if (ntok < 2) {
        error(p, "db needs 'load N' or hex data", NULL);
        return;
    }
    if (str_eq(tok[1], "load")) {
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
    size_t len = str_len(hex);
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
    put_line_u64(p, "m-warmup-start-", warmup);
    for (uint32_t i = 0; i < warmup; i++) {
        if (run_one(p, &ticks) != 0) {
            return;
        }
    }
    put(p, "m-warmup-done");
    line_end(p);
    put_line_u64(p, "m-infer-start-", n);
    uint64_t t0 = d->now_ticks(d->user);
    put_line_u64(p, "m-lap-us-", to_us(d, t0));
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
    put_line_u64(p, "m-lap-us-", to_us(d, t1));
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
    put_line_u64(p, "-", to_units(d, total));
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
        put_line_u64(p, "-", to_units(d, ticks));
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
    if (str_eq(tok[0], "name") && ntok == 1) {
        cmd_name(p);
    } else if (str_eq(tok[0], "profile") && ntok == 1) {
        cmd_profile(p);
    } else if (str_eq(tok[0], "db")) {
        cmd_db(p, tok, ntok);
    } else if (str_eq(tok[0], "infer")) {
        cmd_infer(p, tok, ntok);
    } else if (str_eq(tok[0], "results") && ntok == 1) {
        if (p->have_results) {
            print_results(p);
        } else {
            error(p, "no results yet; run infer first", NULL);
        }
    } else if (str_eq(tok[0], "timestamp") && ntok == 1) {
        put_line_u64(p, "m-lap-us-", to_us(p->dev, p->dev->now_ticks(p->dev->user)));
    } else if (str_eq(tok[0], "ek-ops") && ntok == 1) {
        cmd_ops(p);
    } else if (str_eq(tok[0], "help") && ntok == 1) {
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
