/*
 * fuzz_minutes.c: the minutes renderer (lib/minutes.c, minutes_items.c, minutes_html.c) over
 * forums whose statements say anything.
 *
 * Through a bundle (fuzz_bundle.c) only statements signed for real reach the renderer, so
 * their words are the fixture's.  Here the input is a forum played as fuzz_rules.c plays it
 * (signatures taken as good), and the minutes of each of its first meetings are rendered from
 * that state and those entries (qr_minutes_markdown), under a checkpoint note of the entries
 * signed with the fixture's log key, then turned into HTML (qr_minutes_html).  The page must
 * stay what minutes_html.c promises: a statement's words never become markup, so every '<' in
 * the page opens one of the tags the converter itself writes.
 */
#include "fixture.h"
#include "fuzz.h"

#include "checkpoint.h"
#include "merkle.h"
#include "minutes.h"
#include "note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_MEETINGS 3

static const char *const tags[] = {"!DOCTYPE", "html", "head", "meta",  "title", "style",
                                   "body",     "main", "h1",   "h2",    "h3",    "h4",
                                   "p",        "ul",   "li",   "table", "thead", "tbody",
                                   "tr",       "th",   "td",   "pre",   "code",  "strong"};

static void check_html(const char *html)
{
    for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
        const char *t = p + 1 + (p[1] == '/');
        size_t n = strspn(t, "!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
        int known = 0;
        for (size_t i = 0; i < sizeof tags / sizeof *tags && !known; i++)
            known = strlen(tags[i]) == n && strncasecmp(t, tags[i], n) == 0;
        if (!known || (t[n] != '>' && t[n] != ' '))
            abort(); /* text became markup */
    }
}

/* A signed checkpoint of n entries (the renderer reads its size and shows its signatures). */
static const char *note_of(size_t n)
{
    static char *notes[FX_MAX + FX_PLAY_MAX + 1];
    if (!notes[n]) {
        qr_checkpoint cp;
        char text[512], line[QR_NOTE_SIGLINE_MAX];
        memset(&cp, 0, sizeof cp);
        snprintf(cp.origin, sizeof cp.origin, "quorum.localhost/forum/fuzz");
        cp.size = n;
        qr_merkle_empty_root(cp.root);
        if (qr_checkpoint_format(&cp, text, sizeof text) != QR_OK ||
            qr_note_sign_line(text, strlen(text), cp.origin, fx_key("log")->sign_sk, line,
                              sizeof line) != QR_OK ||
            (notes[n] = malloc(strlen(text) + strlen(line) + 2)) == NULL)
            abort();
        sprintf(notes[n], "%s\n%s", text, line);
    }
    return notes[n];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fx_played p;
    qr_minutes_entry e[FX_MAX + FX_PLAY_MAX];
    if (fx_play(&p, data, size) != QR_OK) {
        fx_played_free(&p);
        return 0;
    }
    for (size_t i = 0; i < p.n; i++)
        e[i] = (qr_minutes_entry){p.at[i], p.st[i], p.st[i] != NULL};
    for (size_t m = 0; m < p.r->nmeetings && m < MAX_MEETINGS; m++) {
        qr_minutes_input in = {p.r, p.r->meetings[m].id, note_of(p.n), NULL, e, p.n};
        char *md = NULL, *html = NULL, err[256];
        size_t mdlen = 0, htmllen = 0;
        if (qr_minutes_markdown(&in, &md, &mdlen, err, sizeof err) == QR_OK &&
            qr_minutes_html(md, mdlen, &html, &htmllen) == QR_OK)
            check_html(html);
        free(md);
        free(html);
    }
    fx_played_free(&p);
    return 0;
}
