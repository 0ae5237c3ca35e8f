/*
 * qemumigrationhostdevtest.c: which host devices a domain may be migrated with
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library.  If not, see
 * <http://www.gnu.org/licenses/>.
 */

#include <config.h>

#include "testutils.h"
#include "virerror.h"
#include "qemu/qemu_capabilities.h"
#define LIBVIRT_QEMU_MIGRATIONPRIV_H_ALLOW
#include "qemu/qemu_migrationpriv.h"

#define VIR_FROM_THIS VIR_FROM_NONE

typedef struct _testHostdevData testHostdevData;
struct _testHostdevData {
    virDomainXMLOption *xmlopt;
    const char *name;
    bool vfioAPMigration; /* QEMU_CAPS_DEVICE_VFIO_AP_MIGRATION */
    const char *error; /* the error reported, NULL when allowed */
};


static int
testHostdevAllowed(const void *opaque)
{
    const testHostdevData *data = opaque;
    g_autofree char *file = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUCaps) qemuCaps = virQEMUCapsNew();
    const char *msg;
    bool allowed;

    file = g_strdup_printf("%s/qemumigrationhostdevdata/%s.xml",
                           abs_srcdir, data->name);

    if (!(def = virDomainDefParseFile(file, data->xmlopt, NULL,
                                      VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return -1;

    if (data->vfioAPMigration)
        virQEMUCapsSet(qemuCaps, QEMU_CAPS_DEVICE_VFIO_AP_MIGRATION);

    virResetLastError();
    allowed = qemuMigrationSrcIsAllowedHostdev(def, qemuCaps);
    msg = virGetLastErrorMessage();

    if (!data->error) {
        if (!allowed) {
            VIR_TEST_VERBOSE("expected the migration to be allowed, got: %s", msg);
            return -1;
        }
        return 0;
    }

    if (allowed) {
        VIR_TEST_VERBOSE("expected the refusal '%s', the migration was allowed",
                         data->error);
        return -1;
    }
    if (STRNEQ(msg, data->error)) {
        VIR_TEST_VERBOSE("expected the refusal '%s', got '%s'", data->error, msg);
        return -1;
    }
    return 0;
}


static int
mymain(void)
{
    g_autoptr(virDomainXMLOption) xmlopt = NULL;
    int ret = 0;

    if (!(xmlopt = virTestGenericDomainXMLConfInit()))
        return EXIT_FAILURE;

#define DO_TEST(name, cap, err) \
    do { \
        testHostdevData data = { xmlopt, name, cap, err }; \
        if (virTestRun(name " (vfio-ap migration: " #cap ")", \
                       testHostdevAllowed, &data) < 0) \
            ret = -1; \
    } while (0)

#define UNSUPPORTED "Operation not supported: "
#define NO_VFIO_AP_MIGRATION(uuid) \
    UNSUPPORTED "cannot migrate vfio-ap mediated device '" uuid "': " \
    "this QEMU binary does not support migration of vfio-ap devices"
#define MDEV_MODEL(model) \
    UNSUPPORTED "cannot migrate a domain with " \
    "<hostdev mode='subsystem' type='mdev' model='" model "'>"

    DO_TEST("none", false, NULL);
    DO_TEST("usb", false, NULL);

    /* vfio-ap: as far as QEMU can migrate it */
    DO_TEST("vfio-ap", true, NULL);
    DO_TEST("vfio-ap", false,
            NO_VFIO_AP_MIGRATION("90c6c135-ad44-41d0-b1b7-bae47de48627"));
    DO_TEST("vfio-ap-usb", true, NULL);
    DO_TEST("vfio-ap-usb", false,
            NO_VFIO_AP_MIGRATION("90c6c135-ad44-41d0-b1b7-bae47de48627"));

    /* every other mediated device model is refused */
    DO_TEST("vfio-ccw", true, MDEV_MODEL("vfio-ccw"));
    DO_TEST("vfio-pci", true, MDEV_MODEL("vfio-pci"));
    DO_TEST("vfio-ap-vfio-ccw", true, MDEV_MODEL("vfio-ccw"));

    /* and so are SCSI and PCI host devices, as before */
    DO_TEST("vfio-ap-scsi", true,
            UNSUPPORTED "cannot migrate a domain with <hostdev mode='subsystem' type='scsi'>");
    DO_TEST("pci", true,
            UNSUPPORTED "cannot migrate a domain with <hostdev mode='subsystem' type='pci'>");

#undef MDEV_MODEL
#undef NO_VFIO_AP_MIGRATION
#undef UNSUPPORTED
#undef DO_TEST

    return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

VIR_TEST_MAIN(mymain)
