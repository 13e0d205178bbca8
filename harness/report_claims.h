/* One paragraph per claim of the source texts (shared/seeds/README.md),
 * computed from the primary result set: every number comes from a figure,
 * and a missing figure reads "not measured". */
#ifndef ISO_REPORT_CLAIMS_H
#define ISO_REPORT_CLAIMS_H

#include <stddef.h>

#include "report_ctx.h"

#define REPORT_CLAIMS	      5
#define REPORT_CLAIM_TEXT_MAX 2048

/* The claim, as the source texts make it, in one line. */
const char *report_claim_title(int claim);

/* The answer to claim `claim` (0-based) into buf (truncated to size). */
void report_claim_answer(const struct report_ctx *ctx, int claim, char *buf, size_t size);

#endif
