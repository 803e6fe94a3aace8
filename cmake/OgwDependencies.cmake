# SPDX-License-Identifier: BSD-3-Clause
# The five declared dependencies. A missing one names the Debian package that provides it.

find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
    message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config'")
endif()

pkg_check_modules(SODIUM IMPORTED_TARGET libsodium>=1.0.18)
if(NOT SODIUM_FOUND)
    message(FATAL_ERROR "libsodium not found: install the Debian package 'libsodium-dev'")
endif()

pkg_check_modules(MNL IMPORTED_TARGET libmnl>=1.0.4)
if(NOT MNL_FOUND)
    message(FATAL_ERROR "libmnl not found: install the Debian package 'libmnl-dev'")
endif()

find_package(Boost 1.74 COMPONENTS program_options QUIET)
if(NOT Boost_FOUND)
    message(FATAL_ERROR
        "Boost.Program_options not found: install the Debian package 'libboost-program-options-dev'")
endif()

find_package(CLI11 2.1 CONFIG QUIET)
if(NOT CLI11_FOUND)
    message(FATAL_ERROR "CLI11 not found: install the Debian package 'libcli11-dev'")
endif()

if(OGW_TESTS)
    find_package(GTest 1.12 QUIET)
    if(NOT GTest_FOUND)
        message(FATAL_ERROR "GoogleTest not found: install the Debian package 'libgtest-dev' "
                            "(or 'googletest'), or configure with -DOGW_TESTS=OFF")
    endif()
    include(GoogleTest)
endif()

# ogw_unit_test(NAME PREFIX SOURCES... LIBS ...) registers a gtest binary whose tests carry
# the label "unit" and a path-like name prefix.
function(ogw_unit_test name prefix)
    cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
    if(NOT T_SOURCES)
        return()
    endif()
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main ogw_warnings)
    gtest_discover_tests(${name} TEST_PREFIX "${prefix}/" PROPERTIES LABELS unit
                         DISCOVERY_TIMEOUT 60)
endfunction()
