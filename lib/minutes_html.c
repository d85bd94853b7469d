/*
 * minutes_html.c: the minutes' Markdown as one self-contained HTML page.
 *
 * It converts exactly the subset minutes.c writes, line by line: "# " to "#### " headings,
 * paragraphs, "- " list items, pipe tables (a header row, a |---| row, then rows), one kind of
 * fenced block (```), and inline **bold**, `code` and backslash escapes.  Everything else is
 * text and is HTML-escaped, so a statement's words can never become markup.  The page has its
 * CSS inline, no script, no external resource, and a Content-Security-Policy that forbids
 * loading any, so it opens the same anywhere and prints cleanly (A4, tables kept whole where
 * possible, headings kept with what follows).
 */
#include "minutes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
    "body{font-family:'DejaVu Serif',Georgia,serif;font-size:11pt;line-height:1.4;"
    "color:#000;background:#fff;margin:0}\n"
    "main{max-width:58em;margin:1.5em auto;padding:0 1em}\n"
    "h1{font-size:18pt;margin:0 0 .5em}h2{font-size:14pt;margin:1.4em 0 .4em;"
    "border-bottom:1px solid #999}h3{font-size:12pt;margin:1em 0 .3em}"
    "h4{font-size:11pt;margin:.8em 0 .3em}\n"
    "h1,h2,h3,h4{page-break-after:avoid;break-after:avoid}\n"
    "ul{padding-left:1.4em}li{margin:.2em 0}\n"
    "table{border-collapse:collapse;width:100%;margin:.4em 0;font-size:10pt}"
    "th,td{border:1px solid #777;padding:.25em .4em;text-align:left;vertical-align:top}"
    "th{background:#eee}tr{page-break-inside:avoid;break-inside:avoid}\n"
    "code{font-family:'DejaVu Sans Mono',monospace;font-size:9pt;word-break:break-all}\n"
    "pre{white-space:pre-wrap;word-break:break-all;border:1px solid #bbb;padding:.5em;"
    "background:#f6f6f6}\n"
    "@page{size:A4;margin:18mm 16mm}\n"
    "@media print{main{margin:0;max-width:none}a{color:#000}}\n";

enum { NONE, PARA, LIST, TABLE, CODE };

static void esc_char(FILE *f, char ch)
{
    switch (ch) {
    case '&':
        fputs("&amp;", f);
        break;
    case '<':
        fputs("&lt;", f);
        break;
    case '>':
        fputs("&gt;", f);
        break;
    case '"':
        fputs("&quot;", f);
        break;
    default:
        fputc(ch, f);
    }
}

static int punct(char ch)
{
    return ch && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", ch) != NULL;
}

/* Inline text s[0..n): escapes, **bold**, `code`.  plain: text only (for the title). */
static void inline_text(FILE *f, const char *s, size_t n, int plain)
{
    int bold = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && punct(s[i + 1])) {
            esc_char(f, s[++i]);
        } else if (s[i] == '`' && memchr(s + i + 1, '`', n - i - 1)) {
            const char *end = memchr(s + i + 1, '`', n - i - 1);
            if (!plain)
                fputs("<code>", f);
            for (const char *p = s + i + 1; p < end; p++)
                esc_char(f, *p);
            if (!plain)
                fputs("</code>", f);
            i = (size_t)(end - s);
        } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
            if (!plain)
                fputs(bold ? "</strong>" : "<strong>", f);
            bold = !bold;
            i++;
        } else {
            esc_char(f, s[i]);
        }
    }
    if (bold && !plain)
        fputs("</strong>", f);
}

static void close_block(FILE *f, int *state, int *rows)
{
    static const char *const closer[] = {"", "</p>\n", "</ul>\n", "</tbody></table>\n",
                                         "</code></pre>\n"};
    if (*state == TABLE && *rows == 1)
        fputs("</tr></thead><tbody>", f); /* a table with a header only */
    fputs(closer[*state], f);
    *state = NONE;
    *rows = 0;
}

static int separator_row(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("|-: ", s[i]))
            return 0;
    return 1;
}

/* One pipe-table row; cells split at '|' not escaped with a backslash. */
static void table_row(FILE *f, const char *s, size_t n, int header)
{
    const char *tag = header ? "th" : "td";
    size_t i = 1; /* past the leading '|' */
    fputs(header ? "<thead><tr>" : "<tr>", f);
    while (i < n) {
        size_t start = i;
        while (i < n && !(s[i] == '|' && s[i - 1] != '\\'))
            i++;
        if (i >= n)
            break; /* text after the last '|' is not a cell */
        size_t a = start, b = i;
        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        fprintf(f, "<%s>", tag);
        inline_text(f, s + a, b - a, 0);
        fprintf(f, "</%s>", tag);
        i++;
    }
    fputs(header ? "</tr></thead><tbody>\n" : "</tr>\n", f);
}

static int heading_level(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && k < 5 && s[k] == '#')
        k++;
    return k >= 1 && k <= 4 && k < n && s[k] == ' ' ? (int)k : 0;
}

static void title(FILE *f, const char *md, size_t len)
{
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(md + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - md - pos) : len - pos;
        if (heading_level(md + pos, n) == 1) {
            inline_text(f, md + pos + 2, n - 2, 1);
            return;
        }
        pos += n + 1;
    }
    fputs("Minutes", f);
}

static void line(FILE *f, const char *s, size_t n, int *state, int *rows)
{
    int h;
    if (*state == CODE) {
        if (n == 3 && !memcmp(s, "```", 3)) {
            close_block(f, state, rows);
            return;
        }
        for (size_t i = 0; i < n; i++)
            esc_char(f, s[i]);
        fputc('\n', f);
    } else if (n >= 3 && !memcmp(s, "```", 3)) {
        close_block(f, state, rows);
        fputs("<pre><code>", f);
        *state = CODE;
    } else if (n == 0) {
        close_block(f, state, rows);
    } else if ((h = heading_level(s, n)) != 0) {
        close_block(f, state, rows);
        fprintf(f, "<h%d>", h);
        inline_text(f, s + h + 1, n - (size_t)h - 1, 0);
        fprintf(f, "</h%d>\n", h);
    } else if (n >= 2 && s[0] == '-' && s[1] == ' ') {
        if (*state != LIST) {
            close_block(f, state, rows);
            fputs("<ul>\n", f);
            *state = LIST;
        }
        fputs("<li>", f);
        inline_text(f, s + 2, n - 2, 0);
        fputs("</li>\n", f);
    } else if (s[0] == '|') {
        if (*state != TABLE) {
            close_block(f, state, rows);
            fputs("<table>", f);
            *state = TABLE;
        }
        if (!separator_row(s, n))
            table_row(f, s, n, (*rows)++ == 0);
    } else {
        if (*state != PARA) {
            close_block(f, state, rows);
            fputs("<p>", f);
            *state = PARA;
        } else {
            fputc(' ', f);
        }
        inline_text(f, s, n, 0);
    }
}

int qr_minutes_html(const char *md, size_t len, char **out, size_t *outlen)
{
    char *buf = NULL;
    size_t n = 0;
    int state = NONE, rows = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return QR_NOMEM;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    title(f, md, len);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(md + pos, '\n', len - pos);
        size_t k = nl ? (size_t)(nl - md - pos) : len - pos;
        line(f, md + pos, k, &state, &rows);
        pos += k + 1;
    }
    close_block(f, &state, &rows);
    fputs("</main>\n</body>\n</html>\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || !buf) {
        free(buf);
        return QR_NOMEM;
    }
    *out = buf;
    *outlen = n;
    return QR_OK;
}
