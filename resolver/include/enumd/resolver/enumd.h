/* The enumd client library for C: ENUM lookups, RFC 3263 SIP server
 * location and 3GPP ePDG names.
 *
 * Every function returns 0 or a negative ENUMD_E* code; enumd_strerror()
 * names it. Handles are opaque; no C++ exception crosses this boundary.
 * A context may be used by one thread at a time. */
#ifndef ENUMD_RESOLVER_ENUMD_H
#define ENUMD_RESOLVER_ENUMD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    ENUMD_OK = 0,
    ENUMD_EINVAL = -1,      /* bad argument (NULL, malformed number, URI, PLMN) */
    ENUMD_ENOMEM = -2,
    ENUMD_ENXDOMAIN = -3,   /* the name does not exist */
    ENUMD_ENORECORD = -4,   /* names exist but no usable record */
    ENUMD_ETIMEOUT = -5,    /* no server answered */
    ENUMD_ESERVFAIL = -6,   /* servers answered with errors */
    ENUMD_ENOTOFFERED = -7, /* SRV target "." (RFC 2782) */
    ENUMD_ERANGE = -8,      /* output buffer too small / index out of range */
    ENUMD_EINTERNAL = -9,
    ENUMD_EREFUSED = -10,    /* a server answered REFUSED (RFC 1035 4.1.1): not for this client or zone */
    ENUMD_EUNREACHABLE = -11 /* no server could be reached: connection refused (ICMP port unreachable), at once */
};

/* Selection modes for enumd_set_mode (bit flags; 0 = RFC 3403 §4.1). */
#define ENUMD_MODE_FAILOVER 1 /* keep higher ORDER tiers as standby */
#define ENUMD_MODE_WEIGHTED 2 /* PREFERENCE as a proportional weight in a tier */
/* A regexp that matches part of the number gives its replacement alone (Kamailio, Asterisk), not the sed-style
 * result that keeps the unmatched rest (RFC 3402 3.2; resolver/README.md "Partial matches"). */
#define ENUMD_MODE_REPLACEMENT_ONLY 4

typedef struct enumd_ctx enumd_ctx;
typedef struct enumd_list enumd_list;

const char* enumd_strerror(int code);

/* servers: "127.0.0.1:5353,[::1]:53" or NULL/"" for /etc/resolv.conf. */
int enumd_new(enumd_ctx** out, const char* servers);
void enumd_free(enumd_ctx* ctx);
/* "e164.arpa,e164.example.net": tried in order. */
int enumd_set_suffixes(enumd_ctx* ctx, const char* suffixes);
int enumd_set_timeout_ms(enumd_ctx* ctx, unsigned ms);
int enumd_set_mode(enumd_ctx* ctx, int mode_flags);
int enumd_set_seed(enumd_ctx* ctx, unsigned long long seed);
/* "127.0.0.1:5353 (explicit)" — valid until the context is freed. */
const char* enumd_servers(const enumd_ctx* ctx);

/* ENUM: number ("+61 3 5550 0912") → ordered URIs. service may be NULL
 * (any E2U) or e.g. "E2U+sip". On success *out holds at least one URI. */
int enumd_enum_lookup(enumd_ctx* ctx, const char* number, const char* service, enumd_list** out);
/* RFC 3263: SIP/SIPS URI → ordered targets. */
int enumd_sip_locate(enumd_ctx* ctx, const char* uri, enumd_list** out);

size_t enumd_list_count(const enumd_list* list);
/* ENUM lists: the URI. SIP lists: "udp host:port address". NULL if out of range. */
const char* enumd_list_item(const enumd_list* list, size_t index);
/* SIP lists only. */
int enumd_list_target(const enumd_list* list, size_t index, const char** transport, const char** host,
                      unsigned* port, const char** address);
void enumd_list_free(enumd_list* list);

/* TS 23.003 §19.4.2.9: "epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org";
 * mnc as written (2 or 3 digits). Writes a NUL-terminated name. */
int enumd_epdg_fqdn(const char* mcc, const char* mnc, char* buf, size_t buflen);
/* TS 23.003 §19.4.2.9: "epdg.epc.mcc<MCC>.visited-country.pub.3gppnetwork.org". */
int enumd_epdg_visited_country_fqdn(const char* mcc, char* buf, size_t buflen);

#ifdef __cplusplus
}
#endif

#endif
