# SPDX-License-Identifier: BSD-3-Clause
# Runs at install time ('cmake --install' and cpack), after packaging/CMakeLists.txt has set the
# OGW_PKG_* variables (install(CODE)). Writes the files that name installed paths from the
# prefix in effect at install time, which is /usr under cpack whatever the configure-time
# CMAKE_INSTALL_PREFIX is:
#   OGW_PKG_PART ogw: <prefix>/lib/systemd/system/ogwd.service, <prefix>/lib/sysusers.d/ogw.conf,
#                     <sysconfdir>/ogw/ogwd.conf
#   OGW_PKG_PART dev: <prefix>/<libdir>/pkgconfig/ogw-flow.pc
# <sysconfdir> is /etc for the prefix /usr and <prefix>/etc otherwise (the GNUInstallDirs rule).

set(prefix "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/+$" "" prefix "${prefix}")
if(prefix STREQUAL "" OR prefix STREQUAL "/usr")    # "" is the prefix /
    set(OGW_SYSCONFDIR /etc)
else()
    set(OGW_SYSCONFDIR "${prefix}/etc")
endif()
set(OGW_PREFIX "${prefix}")
set(OGW_SBINDIR "${prefix}/${OGW_PKG_SBINDIR}")
set(OGW_LIBDIR "${prefix}/${OGW_PKG_LIBDIR}")
set(OGW_INCLUDEDIR "${prefix}/${OGW_PKG_INCLUDEDIR}")
set(OGW_RUNDIR /run/ogw)
set(OGW_VERSION "${OGW_PKG_VERSION}")
set(work "${OGW_PKG_BINARY_DIR}/install-time")

if(OGW_PKG_PART STREQUAL "ogw")
    configure_file("${OGW_PKG_SOURCE_DIR}/ogwd.service.in" "${work}/ogwd.service" @ONLY)
    file(INSTALL DESTINATION "${prefix}/lib/systemd/system" TYPE FILE
         FILES "${work}/ogwd.service")
    file(INSTALL DESTINATION "${prefix}/lib/sysusers.d" TYPE FILE
         RENAME ogw.conf FILES "${OGW_PKG_SOURCE_DIR}/sysusers.conf")
    # Never overwrite an administrator's config on a live system ('cmake --install' without
    # DESTDIR); packages handle that as a conffile / %config(noreplace).
    if("$ENV{DESTDIR}" STREQUAL "" AND EXISTS "${OGW_SYSCONFDIR}/ogw/ogwd.conf")
        message(STATUS "Keeping: ${OGW_SYSCONFDIR}/ogw/ogwd.conf (exists; the shipped example "
                       "is ${OGW_PKG_SOURCE_DIR}/ogwd.conf)")
    else()
        file(INSTALL DESTINATION "${OGW_SYSCONFDIR}/ogw" TYPE FILE
             FILES "${OGW_PKG_SOURCE_DIR}/ogwd.conf")
    endif()
elseif(OGW_PKG_PART STREQUAL "dev")
    configure_file("${OGW_PKG_SOURCE_DIR}/ogw-flow.pc.in" "${work}/ogw-flow.pc" @ONLY)
    file(INSTALL DESTINATION "${OGW_LIBDIR}/pkgconfig" TYPE FILE FILES "${work}/ogw-flow.pc")
else()
    message(FATAL_ERROR "install_system_files.cmake: unknown OGW_PKG_PART '${OGW_PKG_PART}'")
endif()
