/* assert_near(): cmocka 1.1.5 has no double comparison; this one prints
 * both values to 17 digits when they differ by more than eps. */
#ifndef TEST_ASSERT_NEAR_H
#define TEST_ASSERT_NEAR_H

#include <math.h>

static inline void assert_near_at(double a, double b, double eps, const char *expr,
				  const char *file, int line)
{
	if (fabs(a - b) <= eps || (a == b))
		return;
	print_error("%s: %.17g != %.17g (eps %g)\n", expr, a, b, eps);
	_fail(file, line);
}

#define assert_near(a, b, eps) assert_near_at((a), (b), (eps), #a, __FILE__, __LINE__)

#endif
