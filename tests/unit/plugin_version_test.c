/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Loads the built plugin like charon's plugin loader does and checks the
 * symbols charon looks up: the constructor, and the version string that
 * strongSwan 6.0.3 and later compare with their own VERSION.
 */

#include <check.h>
#include <dlfcn.h>
#include <stdlib.h>

START_TEST(test_symbols)
{
	const char **version;
	void *handle, *create;

	/* the test binary links libcharon and libstrongswan, so the plugin's
	 * references to charon's globals resolve as they do inside charon */
	handle = dlopen(PLUGIN_SO, RTLD_LAZY);
	ck_assert_msg(handle, "dlopen: %s", dlerror());
	create = dlsym(handle, "dataplane_check_plugin_create");
	ck_assert_msg(create, "no constructor: %s", dlerror());
	version = dlsym(handle, "dataplane_check_plugin_version");
	ck_assert_msg(version, "no version symbol: %s", dlerror());
	ck_assert_str_eq(*version, DPC_SS_VERSION);
	dlclose(handle);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plugin");
	TCase *tc = tcase_create("symbols");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_symbols);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
