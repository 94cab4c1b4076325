/* SPDX-License-Identifier: MIT */
/*
 * zf_test.h - the unit-test harness: TEST(name) registers nothing magic, it
 * is a plain function returning bool; expect_* records and continues,
 * assert_* ends the test. main() comes from ZF_TEST_MAIN(list...).
 * Output: one line per failure, then "N passed, N failed".
 */
#ifndef ZF_TEST_H
#define ZF_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static int zf_test_failures_in_test;

#define TEST(name) static bool test_##name(void)

#define ZF__FAIL(fmt, ...)                                                                         \
	fprintf(stderr, "  %s:%d: %s(): " fmt "\n", __FILE__, __LINE__, __func__, __VA_ARGS__)

#define expect_true(c)                                                                             \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			ZF__FAIL("expected true: %s", #c);                                         \
			zf_test_failures_in_test++;                                                \
		}                                                                                  \
	} while (0)
#define expect_false(c) expect_true(!(c))
#define expect_eq(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a != _b) {                                                                    \
			ZF__FAIL("(%s) == (%s) --> %lld != %lld", #a, #b, _a, _b);                 \
			zf_test_failures_in_test++;                                                \
		}                                                                                  \
	} while (0)
#define expect_ne(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a == _b) {                                                                    \
			ZF__FAIL("(%s) != (%s) --> both %lld", #a, #b, _a);                        \
			zf_test_failures_in_test++;                                                \
		}                                                                                  \
	} while (0)
#define assert_true(c)                                                                             \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			ZF__FAIL("assertion failed: %s", #c);                                      \
			return false;                                                              \
		}                                                                                  \
	} while (0)
#define assert_eq(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a != _b) {                                                                    \
			ZF__FAIL("(%s) == (%s) --> %lld != %lld", #a, #b, _a, _b);                 \
			return false;                                                              \
		}                                                                                  \
	} while (0)

typedef bool (*zf_test_fn)(void);
struct zf_test_case {
	const char *name;
	zf_test_fn fn;
};
#define ZF_CASE(name)                                                                              \
	{                                                                                          \
#name, test_##name                                                                 \
	}

static inline int zf_test_run(const char *suite, const struct zf_test_case *cases, size_t n)
{
	int passed = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		zf_test_failures_in_test = 0;
		bool ok = cases[i].fn() && zf_test_failures_in_test == 0;
		if (ok) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "FAIL %s.%s\n", suite, cases[i].name);
		}
	}
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define ZF_TEST_MAIN(suite, ...)                                                                   \
	int main(void)                                                                             \
	{                                                                                          \
		static const struct zf_test_case cases[] = {__VA_ARGS__};                          \
		return zf_test_run(suite, cases, sizeof(cases) / sizeof(cases[0]));                \
	}

#endif /* ZF_TEST_H */
