/* A C client of enumd.h: resolves numbers and a SIP URI against the server
 * given as argv[1] and checks the answers. Exit 0 when all checks pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enumd/resolver/enumd.h"

static int failures = 0;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "c_api_client: check failed: %s (line %d)\n", #cond, __LINE__); \
            ++failures;                                                       \
        }                                                                     \
    } while (0)

int main(int argc, char** argv) {
    enumd_ctx* ctx = NULL;
    enumd_list* list = NULL;
    char buf[128];
    int rc;
    size_t i;

    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: c_api_client SERVER | c_api_client SERVER NUMBER EXPECTED_CODE\n");
        return 2;
    }
    if (argc == 4) {
        /* One ENUM lookup whose status code is known (test_client_reports.py: a closed port gives
         * ENUMD_EUNREACHABLE at once, a refusing server ENUMD_EREFUSED). */
        int expected = atoi(argv[3]);
        CHECK(enumd_new(&ctx, argv[1]) == ENUMD_OK);
        CHECK(enumd_set_timeout_ms(ctx, 3000) == ENUMD_OK);
        rc = enumd_enum_lookup(ctx, argv[2], NULL, &list);
        printf("%s: %d (%s)\n", argv[2], rc, enumd_strerror(rc));
        CHECK(rc == expected);
        CHECK(list == NULL);
        CHECK(strcmp(enumd_strerror(rc), "unknown error") != 0);
        enumd_free(ctx);
        return failures == 0 ? 0 : 1;
    }
    rc = enumd_new(&ctx, argv[1]);
    if (rc != ENUMD_OK) {
        fprintf(stderr, "enumd_new: %s\n", enumd_strerror(rc));
        return 1;
    }
    printf("servers: %s\n", enumd_servers(ctx));
    CHECK(strstr(enumd_servers(ctx), "(explicit)") != NULL);
    CHECK(enumd_set_mode(ctx, ENUMD_MODE_FAILOVER | ENUMD_MODE_WEIGHTED) == ENUMD_OK);
    CHECK(enumd_set_seed(ctx, 42) == ENUMD_OK);

    /* +61355500914: order 10 primary, order 20 standby. */
    rc = enumd_enum_lookup(ctx, "+61 3 5550 0914", "E2U+sip", &list);
    CHECK(rc == ENUMD_OK);
    if (rc == ENUMD_OK) {
        CHECK(enumd_list_count(list) == 2);
        for (i = 0; i < enumd_list_count(list); ++i) printf("enum %zu: %s\n", i, enumd_list_item(list, i));
        CHECK(strcmp(enumd_list_item(list, 0), "sip:info@server1.example.net") == 0);
        CHECK(strcmp(enumd_list_item(list, 1), "sip:info@server2.example.net") == 0);
        CHECK(enumd_list_item(list, 2) == NULL);
        enumd_list_free(list);
        list = NULL;
    }

    /* Back-reference under the +61255502* wildcard. */
    rc = enumd_enum_lookup(ctx, "+61255502000", "E2U+sip", &list);
    CHECK(rc == ENUMD_OK);
    if (rc == ENUMD_OK) {
        CHECK(strcmp(enumd_list_item(list, 0), "sip:+61255502000@server2.example.net") == 0);
        enumd_list_free(list);
        list = NULL;
    }

    /* A regexp that matches part of the number: sed-style by default, the replacement alone on request. */
    CHECK(enumd_set_mode(ctx, 0) == ENUMD_OK);
    rc = enumd_enum_lookup(ctx, "+61355500927", "E2U+sip", &list);
    CHECK(rc == ENUMD_OK && strcmp(enumd_list_item(list, 0), "sip:61-355500927") == 0);
    enumd_list_free(list);
    list = NULL;
    CHECK(enumd_set_mode(ctx, ENUMD_MODE_REPLACEMENT_ONLY) == ENUMD_OK);
    rc = enumd_enum_lookup(ctx, "+61355500927", "E2U+sip", &list);
    CHECK(rc == ENUMD_OK && strcmp(enumd_list_item(list, 0), "sip:61-") == 0);
    enumd_list_free(list);
    list = NULL;
    CHECK(enumd_set_mode(ctx, 8) == ENUMD_EINVAL);
    CHECK(enumd_set_mode(ctx, ENUMD_MODE_FAILOVER | ENUMD_MODE_WEIGHTED) == ENUMD_OK);

    /* Error codes: NXDOMAIN, bad number. */
    rc = enumd_enum_lookup(ctx, "+4420", "E2U+sip", &list);
    CHECK(rc == ENUMD_ENXDOMAIN);
    CHECK(list == NULL);
    CHECK(enumd_enum_lookup(ctx, "+61abc", NULL, &list) == ENUMD_EINVAL);
    CHECK(enumd_enum_lookup(NULL, "+61", NULL, &list) == ENUMD_EINVAL);

    /* RFC 3263 against the SIP zone. */
    rc = enumd_sip_locate(ctx, "sip:alice@ims.mnc001.mcc001.3gppnetwork.org", &list);
    CHECK(rc == ENUMD_OK);
    if (rc == ENUMD_OK) {
        const char *transport, *host, *address;
        unsigned port;
        CHECK(enumd_list_count(list) >= 1);
        for (i = 0; i < enumd_list_count(list); ++i) printf("sip %zu: %s\n", i, enumd_list_item(list, i));
        CHECK(enumd_list_target(list, 0, &transport, &host, &port, &address) == ENUMD_OK);
        CHECK(port != 0);
        CHECK(enumd_list_target(list, 999, &transport, &host, &port, &address) == ENUMD_ERANGE);
        enumd_list_free(list);
        list = NULL;
    }

    CHECK(enumd_epdg_fqdn("505", "01", buf, sizeof buf) == ENUMD_OK);
    CHECK(strcmp(buf, "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org") == 0);
    CHECK(enumd_epdg_fqdn("505", "1", buf, sizeof buf) == ENUMD_EINVAL);
    CHECK(enumd_epdg_fqdn("505", "01", buf, 10) == ENUMD_ERANGE);
    CHECK(enumd_epdg_visited_country_fqdn("505", buf, sizeof buf) == ENUMD_OK);
    CHECK(strcmp(buf, "epdg.epc.mcc505.visited-country.pub.3gppnetwork.org") == 0);
    CHECK(strcmp(enumd_strerror(ENUMD_ETIMEOUT), "no DNS server answered (timeout)") == 0);

    enumd_free(ctx);
    if (failures != 0) {
        fprintf(stderr, "c_api_client: %d checks failed\n", failures);
        return 1;
    }
    printf("c_api_client: all checks passed\n");
    return 0;
}
