/*
 * test_wire: the event topics a subscriber may ask for.  The daemon accepts a subscription
 * only if its topic is exactly one forum's or one organisation's (qr_topic_parse), so anything
 * looser, a prefix that would match many forums above all, must not parse.
 */
#include "check.h"
#include "wire.h"

#include <stdio.h>
#include <string.h>

static int parse(const char *topic, size_t len, int *is_org, char *id)
{
    return qr_topic_parse((const uint8_t *)topic, len, is_org, id);
}

static void accepts(const char *topic, int want_org, const char *want_id)
{
    char id[QR_MAX_ID + 1] = "";
    int is_org = -1;
    int rc = parse(topic, strlen(topic), &is_org, id);
    CHECK(rc == QR_OK && is_org == want_org && strcmp(id, want_id) == 0,
          "'%s' is the %s topic of '%s' (got %s, '%s')", topic, want_org ? "org" : "forum",
          want_id, qr_code_name(rc), id);
}

static void refuses(const char *topic, size_t len, const char *why)
{
    char id[QR_MAX_ID + 1];
    int is_org = 0;
    CHECK(parse(topic, len, &is_org, id) == QR_BAD_REQUEST, "refused: %s", why);
}

int main(void)
{
    t_begin("test_wire");
    char topic[QR_MAX_ID + 16], long_id[QR_MAX_ID + 2];

    accepts("forum/city-pb/", 0, "city-pb");
    accepts("org/nhft/", 1, "nhft");
    CHECK(qr_topic_forum("lpt-nhft-jwg", topic, sizeof topic) == QR_OK, "a forum's topic");
    accepts(topic, 0, "lpt-nhft-jwg");
    CHECK(qr_topic_org("uhl", topic, sizeof topic) == QR_OK, "an organisation's topic");
    accepts(topic, 1, "uhl");

    refuses("", 0, "the empty topic (every event of every forum)");
    refuses("forum/", 6, "every forum");
    refuses("org/", 4, "every organisation");
    refuses("forum/city", 10, "a prefix of forum ids (no closing '/')");
    refuses("forum/city-pb/x", 15, "more after the closing '/'");
    refuses("forum/a/b/", 10, "an id holding '/'");
    refuses("forum/City/", 11, "an id that is not a slug");
    refuses("forum/ab\0c/", 11, "an id holding a NUL byte");
    refuses("forums/x/", 9, "another prefix");
    refuses("Forum/x/", 8, "the prefix in another case");
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = 0;
    snprintf(topic, sizeof topic, "forum/%s/", long_id);
    refuses(topic, strlen(topic), "an id one byte over the limit");
    long_id[QR_MAX_ID] = 0;
    snprintf(topic, sizeof topic, "forum/%s/", long_id);
    accepts(topic, 0, long_id);
    return t_end();
}
