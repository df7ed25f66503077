/* SPDX-License-Identifier: MIT */
/* `logtally scan`: options, then lt_scan_run over the inputs, then the table or the JSON.
 * With --print the selected lines own standard output, so the summary goes to stderr. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lt_cli.h"
#include "lt_config.h"
#include "lt_scan.h"
#include "lt_scan_input.h"
#include "lt_scan_output.h"
#include "lt_table.h"

#define DEFAULT_MAX_LINE_BYTES 65536 /* the daemon's max_message_bytes default */
#define MAX_LINE_BYTES_LIMIT 16777216 /* the daemon's largest max_message_bytes */
#define DEFAULT_MAX_SERIES 10000      /* the daemon's limits.max_series default */

static const char usage[] =
    "Usage: logtally scan [OPTIONS] FILE...\n"
    "Counts the events of log files per level with logtallyd's parser: syslog (RFC 5424,\n"
    "RFC 3164, plain lines) and JSON lines, told per line. FILE '-' is standard input; gzip\n"
    "input (.gz files, or gzip on standard input) is recognised by its magic bytes.\n"
    "\n"
    "Output:\n"
    "      --json               one JSON document shaped like the daemon's /api/v1/stats\n"
    "      --by LABEL           also count per 'app' or 'host' (repeat, or 'app,host')\n"
    "      --max-series N       series cap, as the daemon's limits.max_series (default 10000);\n"
    "                           events past it count in __overflow__ series\n"
    "Filter (events that do not match are neither counted nor printed):\n"
    "      --min-level LEVEL    this level or more severe (emerg alert crit err warning\n"
    "                           notice info debug unknown)\n"
    "      --level LEVEL        exactly this level\n"
    "      --app APP            events whose app (RFC 5424 APP-NAME, RFC 3164 tag) is APP\n"
    "      --host HOST          events whose host is HOST\n"
    "  -p, --print              write the matching lines unchanged to standard output, in\n"
    "                           input order; the summary then goes to standard error\n"
    "Input:\n"
    "  -f, --format FORMAT      auto (default), syslog or json\n"
    "      --max-line-bytes N   longer lines are rejected as oversize (default 65536, as\n"
    "                           the daemon's max_message_bytes)\n"
    "  -t, --threads N          worker threads (default: one per CPU)\n"
    "  -q, --quiet              no progress line (it is drawn only when stderr is a\n"
    "                           terminal); with --print, no summary either\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit status: 0 when every input was read to its end, 1 when some could not be (each\n"
    "named on stderr), 2 for a wrong command line.\n";

enum {
    OPT_JSON = 256,
    OPT_BY,
    OPT_MAX_SERIES,
    OPT_MIN_LEVEL,
    OPT_LEVEL,
    OPT_APP,
    OPT_HOST,
    OPT_MAX_LINE,
};

static bool parse_by(const char *text, unsigned *labels)
{
    const char *p = text;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        if (n == 3 && strncmp(p, "app", 3) == 0)
            *labels |= LT_LABEL_APP;
        else if (n == 4 && strncmp(p, "host", 4) == 0)
            *labels |= LT_LABEL_HOST;
        else
            return false;
        p += n;
        if (*p == ',')
            p++;
    }
    return *labels != 0;
}

static int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > LT_SCAN_MAX_THREADS ? LT_SCAN_MAX_THREADS : (int)n;
}

int lt_cli_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"by", required_argument, NULL, OPT_BY},
        {"max-series", required_argument, NULL, OPT_MAX_SERIES},
        {"min-level", required_argument, NULL, OPT_MIN_LEVEL},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"app", required_argument, NULL, OPT_APP},
        {"host", required_argument, NULL, OPT_HOST},
        {"print", no_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"max-line-bytes", required_argument, NULL, OPT_MAX_LINE},
        {"threads", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lt_scan_options_t opt = {
        .format = LT_SCAN_FORMAT_AUTO,
        .threads = (unsigned)cpu_count(),
        .max_line_bytes = DEFAULT_MAX_LINE_BYTES,
        .min_level = -1,
        .level = -1,
        .out_fd = STDOUT_FILENO,
    };
    size_t max_series = DEFAULT_MAX_SERIES;
    bool is_json = false, is_quiet = false;
    unsigned long long v;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "pf:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            is_json = true;
            break;
        case OPT_BY:
            if (!parse_by(optarg, &opt.labels))
                return lt_cli_usage_error("scan", "--by takes app, host or app,host, not '%s'",
                                          optarg);
            break;
        case OPT_MAX_SERIES:
            if (!lt_cli_parse_uint(optarg, 1, LT_TABLE_MAX_SERIES, &v))
                return lt_cli_usage_error("scan", "--max-series takes 1 to %d, not '%s'",
                                          LT_TABLE_MAX_SERIES, optarg);
            max_series = (size_t)v;
            break;
        case OPT_MIN_LEVEL:
        case OPT_LEVEL: {
            int level = lt_level_parse(optarg, strlen(optarg));
            if (level < 0)
                return lt_cli_usage_error("scan",
                                          "'%s' is not a level (emerg alert crit err warning "
                                          "notice info debug unknown)",
                                          optarg);
            *(c == OPT_LEVEL ? &opt.level : &opt.min_level) = level;
            break;
        }
        case OPT_APP:
            opt.app = (lt_slice_t){optarg, strlen(optarg)};
            break;
        case OPT_HOST:
            opt.host = (lt_slice_t){optarg, strlen(optarg)};
            break;
        case 'p':
            opt.is_printing = true;
            break;
        case 'f':
            if (strcmp(optarg, "auto") == 0)
                opt.format = LT_SCAN_FORMAT_AUTO;
            else if (strcmp(optarg, "syslog") == 0)
                opt.format = LT_SCAN_FORMAT_SYSLOG;
            else if (strcmp(optarg, "json") == 0)
                opt.format = LT_SCAN_FORMAT_JSON;
            else
                return lt_cli_usage_error("scan", "--format takes auto, syslog or json, not '%s'",
                                          optarg);
            break;
        case OPT_MAX_LINE:
            if (!lt_cli_parse_uint(optarg, 64, MAX_LINE_BYTES_LIMIT, &v))
                return lt_cli_usage_error("scan", "--max-line-bytes takes 64 to %d, not '%s'",
                                          MAX_LINE_BYTES_LIMIT, optarg);
            opt.max_line_bytes = (size_t)v;
            break;
        case 't':
            if (!lt_cli_parse_uint(optarg, 1, LT_SCAN_MAX_THREADS, &v))
                return lt_cli_usage_error("scan", "--threads takes 1 to %d, not '%s'",
                                          LT_SCAN_MAX_THREADS, optarg);
            opt.threads = (unsigned)v;
            break;
        case 'q':
            is_quiet = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return LT_CLI_OK;
        default:
            fprintf(stderr, "Try 'logtally scan --help'.\n");
            return LT_CLI_USAGE;
        }
    }
    if (optind >= argc)
        return lt_cli_usage_error("scan", "no FILE given ('-' reads standard input)");

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    opt.now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    opt.is_progress = !is_quiet && isatty(STDERR_FILENO);

    lt_table_t table;
    if (lt_table_init(&table, max_series) != 0) {
        fprintf(stderr, "logtally scan: cannot allocate a table of %zu series\n", max_series);
        return LT_CLI_FAILED;
    }
    lt_table_precreate_levels(&table);

    lt_scan_result_t res;
    int rc = lt_scan_run(&opt, argv + optind, (size_t)(argc - optind), &table, &res);
    if (rc != 0) {
        fprintf(stderr, "logtally scan: cannot start threads: %s\n", strerror(-rc));
        lt_table_free(&table);
        return LT_CLI_FAILED;
    }

    if (!(opt.is_printing && is_quiet)) {
        lt_scan_report_t report = {&res, &table, opt.labels, max_series,
                                   (double)now.tv_sec + (double)now.tv_nsec / 1e9};
        FILE *out = opt.is_printing ? stderr : stdout;
        if (is_json)
            lt_scan_output_json(out, &report);
        else
            lt_scan_output_table(out, &report);
        fflush(out);
    }
    lt_table_free(&table);
    return res.inputs_failed > 0 ? LT_CLI_FAILED : LT_CLI_OK;
}
