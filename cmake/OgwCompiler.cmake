# SPDX-License-Identifier: BSD-3-Clause
# Warnings and sanitizer/fuzzer flags shared by every target.

add_library(ogw_warnings INTERFACE)
target_compile_options(ogw_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    -Wmissing-declarations
    # GCC 12 at -O3 reports -Wrestrict inside std::string's own code (GCC bug 105329).
    $<$<CONFIG:Release>:-Wno-restrict>)
if(OGW_WERROR)
    target_compile_options(ogw_warnings INTERFACE -Werror)
endif()

if(OGW_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()

if(OGW_TSAN)
    if(OGW_SANITIZE)
        message(FATAL_ERROR "OGW_TSAN and OGW_SANITIZE exclude each other: use two build trees")
    endif()
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
    add_link_options(-fsanitize=thread)
endif()

if(OGW_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "OGW_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ "
                            "-DCMAKE_C_COMPILER=clang (Debian packages clang, libclang-rt-14-dev)")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()

# ogw_fuzz_target(NAME SOURCE LIBS...) builds a libFuzzer binary when OGW_FUZZ is on.
function(ogw_fuzz_target name source)
    if(OGW_FUZZ)
        add_executable(${name} ${source})
        target_link_libraries(${name} PRIVATE ${ARGN} ogw_warnings)
        target_link_options(${name} PRIVATE -fsanitize=fuzzer)
        set_property(GLOBAL APPEND PROPERTY OGW_FUZZ_TARGETS ${name})
    endif()
endfunction()
