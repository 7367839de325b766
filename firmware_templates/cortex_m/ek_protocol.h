/*
 * The MLPerf Tiny / EEMBC host protocol, device side, with edgekit's ek- extensions.
 *
 * Pure C99 with no board or model dependency: everything it needs comes through ek_device_t, so the
 * same file runs on the device and, compiled for the host with sanitizers, under a fuzzer.
 *
 * Commands end with '%'. Replies are "\r\n"-terminated lines starting "m-" (or "e-[...]" for errors,
 * or "ek-" for edgekit's extensions) and every command's reply ends with "m-ready".
 */
#ifndef EK_PROTOCOL_H
#define EK_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EK_CMD_MAX 80u     /* longest command the reference runner sends, without the '%' */
#define EK_MAX_LAPS 64u    /* per-inference samples kept for one "infer" command */
#define EK_MAX_INFER 100000u

typedef struct {
    void *user;
    /* Sends n bytes to the host. */
    void (*write)(void *user, const char *s, size_t n);
    /* Free-running time in timer ticks. */
    uint64_t (*now_ticks)(void *user);
    /* Copies the n loaded bytes into the model's inputs (zero-filling the rest), runs one inference and
     * stores the ticks spent in the timed region (inference only) in *ticks. Returns 0 or a status. */
    int32_t (*infer)(void *user, const uint8_t *in, uint32_t n, uint32_t *ticks);
    /* Output k after the last inference: raw bytes, byte count, element type (0 int8, 1 float32,
     * 2 int32), quantization scale and zero point. Returns 0 or a status. */
    int32_t (*output)(void *user, int32_t k, const uint8_t **data, int32_t *bytes, int32_t *dtype,
                      float *scale, int32_t *zero_point);
    int32_t num_outputs;
    /* Optional per-op profile of the last inference (NULL when not built in, see EK_PROFILE_OPS in
     * main.c): op k's name and ticks. Returns 0, or non-zero past the last op. */
    int32_t (*op_profile)(void *user, int32_t k, const char **name, uint64_t *ticks);

    uint8_t *db;          /* "db" upload buffer */
    uint32_t db_capacity; /* == the model's total input bytes */

    const char *device_name;  /* e.g. the target id */
    const char *model_name;
    const char *model_hash;
    uint32_t arena_bytes;
    uint32_t ticks_per_second;    /* converts ticks to microseconds for m-lap-us */
    uint32_t units_per_tick_num;  /* ticks -> reported units (instructions or cycles) = */
    uint32_t units_per_tick_den;  /*   ticks * num / den */
    const char *units;            /* "instructions" (QEMU -icount) or "cycles" (DWT) */
} ek_device_t;

typedef struct {
    const ek_device_t *dev;
    char line[EK_CMD_MAX + 1u];
    uint32_t len;
    int overflow;  /* more than EK_CMD_MAX bytes before '%' */
    int bad_byte;  /* a byte outside printable ASCII */
    uint32_t db_expected;
    uint32_t db_pos;
    int have_results;
    uint32_t laps[EK_MAX_LAPS];
} ek_protocol_t;

void ek_protocol_init(ek_protocol_t *p, const ek_device_t *dev);
/* Feeds one received byte; runs a command when it completes one. */
void ek_protocol_feed(ek_protocol_t *p, uint8_t c);
/* The line printed once at start-up, after the UART's receiver is on. */
void ek_protocol_ready(ek_protocol_t *p);

#ifdef __cplusplus
}
#endif

#endif /* EK_PROTOCOL_H */
