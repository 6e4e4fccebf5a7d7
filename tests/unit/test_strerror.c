// SPDX-License-Identifier: LGPL-2.1-or-later
/* The errno table (ioas.7) and the version string. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/ioas.h>

static void test_strerror_has_one_meaning_per_code(void **state)
{
	static const int codes[] = { EINVAL, EOVERFLOW, EEXIST, EADDRINUSE,
				     ENOENT, ENOSPC, ENOMEM, EMSGSIZE,
				     EOPNOTSUPP, E2BIG, EBADMSG, ENODEV,
				     EACCES, EPERM };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *a = ioas_strerror(-codes[i]);

		/* positive and negative codes mean the same */
		assert_string_equal(a, ioas_strerror(codes[i]));
		assert_string_not_equal(a, "unknown error");
		for (j = 0; j < i; j++)
			assert_string_not_equal(a, ioas_strerror(codes[j]));
	}
	assert_string_equal(ioas_strerror(0), "success");
	assert_string_equal(ioas_strerror(-100000), "unknown error");
	assert_string_equal(ioas_strerror(-EADDRINUSE),
			    "range conflicts with a reserved region");
}

static void test_errno_names_round_trip(void **state)
{
	(void)state;
	assert_string_equal(ioas_errno_name(-EADDRINUSE), "EADDRINUSE");
	assert_string_equal(ioas_errno_name(EINVAL), "EINVAL");
	assert_null(ioas_errno_name(-100000));
	assert_int_equal(ioas_errno_parse("ENOSPC"), ENOSPC);
	assert_int_equal(ioas_errno_parse("EPERM"), EPERM);
	assert_int_equal(ioas_errno_parse("enospc"), -EINVAL);
	assert_int_equal(ioas_errno_parse("EFOO"), -EINVAL);
	assert_int_equal(ioas_errno_parse(NULL), -EINVAL);
	assert_int_equal(ioas_errno_parse(ioas_errno_name(-EOVERFLOW)),
			 EOVERFLOW);
}

static void test_version_matches_macros(void **state)
{
	char want[32];

	(void)state;
	snprintf(want, sizeof(want), "%d.%d.%d", IOAS_VERSION_MAJOR,
		 IOAS_VERSION_MINOR, IOAS_VERSION_PATCH);
	assert_string_equal(ioas_version(), want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_has_one_meaning_per_code),
		cmocka_unit_test(test_errno_names_round_trip),
		cmocka_unit_test(test_version_matches_macros),
	};

	return cmocka_run_group_tests_name("strerror", tests, NULL, NULL);
}
