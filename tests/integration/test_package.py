"""The Debian package (issue 16): `make deb` (dpkg-buildpackage on debian/,
debhelper), what is in it, how it was built (hardening), lintian, and an
install -> upgrade -> remove -> purge cycle with dpkg into a temporary root.
The cycle never touches this machine's services: dpkg runs the maintainer
scripts without a chroot (DPKG_ROOT set), with deb-systemd-helper,
deb-systemd-invoke and systemctl stand-ins first on PATH that record what
the scripts asked of systemd."""

import os
import shutil
import subprocess
import tempfile

from harness import DAEMON, Daemon, report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOLO = True             # dpkg-buildpackage builds the whole tree again, two jobs


def _lintian(deb):
    """lintian finds no error in the package (its overrides, if any, in
    debian/huishang.lintian-overrides, each with its reason)."""
    if not shutil.which("lintian"):
        print("skipped: lintian is not installed (tools/deps.sh installs it)")
        return
    out = subprocess.run(["lintian", "--fail-on", "error", "--tag-display-limit", "0", deb],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert not [line for line in out.stdout.splitlines() if line.startswith("E:")], out.stdout


def _build_and_inspect():
    """make deb: its fields, contents, hardening, lintian; returns its path."""
    build = os.path.relpath(os.path.dirname(DAEMON), ROOT)
    out = subprocess.run(["make", "-s", "-C", ROOT, "BUILD=" + build, "deb"], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    deb = os.path.join(ROOT, out.stdout.strip().splitlines()[-1])
    assert deb.endswith(".deb") and os.path.exists(deb), out.stdout
    field = lambda name: subprocess.run(["dpkg-deb", "-f", deb, name], capture_output=True,
                                        text=True).stdout.strip()
    assert field("Package") == "huishang"
    version = subprocess.run([DAEMON, "--version"], capture_output=True, text=True).stdout.split()[1]
    assert field("Version") == version
    depends = field("Depends")
    for library in ("libczmq4", "libzmq5", "liblmdb0", "libmsgpackc2", "libsystemd0", "libjansson4",
                    "libmicrohttpd12", "libsodium23"):
        assert library in depends, depends
    contents = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True).stdout
    for path in ("./usr/sbin/huishangd", "./usr/bin/huishang", "./lib/systemd/system/huishangd.service",
                 "./etc/huishang/huishang.cfg", "./usr/share/man/man8/huishangd.8.gz",
                 "./usr/share/doc/huishang/PROTOCOL.md", "./usr/sbin/huishang-web",
                 "./lib/systemd/system/huishang-web.service",
                 "./usr/share/man/man8/huishang-web.8.gz", "./usr/share/doc/huishang/copyright",
                 "./usr/share/doc/huishang/changelog.gz", "./etc/huishang/city/huishang.cfg",
                 "./usr/lib/python3/dist-packages/huishang.py"):
        assert path in contents, path
    _lintian(deb)
    folder = tempfile.mkdtemp(prefix="hs-deb-")
    try:
        subprocess.run(["dpkg-deb", "-e", deb, os.path.join(folder, "DEBIAN")], check=True)
        conffiles = open(os.path.join(folder, "DEBIAN", "conffiles")).read().split()
        assert "/etc/huishang/huishang.cfg" in conffiles and "/etc/huishang/rules.cfg" in conffiles
        assert "/etc/huishang/city/huishang.cfg" in conffiles, conffiles
        subprocess.run(["dpkg-deb", "-x", deb, folder], check=True)
        unit = open(os.path.join(folder, "lib/systemd/system/huishangd.service")).read()
        assert "ExecStart=/usr/sbin/huishangd --config /etc/huishang/huishang.cfg" in unit
        # the installed configuration stores where the unit's StateDirectory= is
        installed = open(os.path.join(folder, "etc/huishang/huishang.cfg")).read()
        assert "\n    path = /var/lib/huishang/store" in installed, installed[:1500]
        city = open(os.path.join(folder, "etc/huishang/city/huishang.cfg")).read()
        assert "\n    path = /var/lib/huishang-city/store" in city, city[:1500]
        out = subprocess.run([os.path.join(folder, "usr/sbin/huishangd"), "--check-config",
                              "--config", os.path.join(folder, "etc/huishang/city/huishang.cfg")],
                             capture_output=True, text=True)
        assert out.returncode == 0 and "valid" in out.stdout, out.stdout + out.stderr
        # built hardened (dpkg-buildflags): full relro, bindnow, fortified, PIE, stripped
        for program in ("usr/sbin/huishangd", "usr/bin/huishang", "usr/sbin/huishang-web"):
            path = os.path.join(folder, program)
            dynamic = subprocess.run(["readelf", "-d", "-W", path], capture_output=True,
                                     text=True).stdout
            assert "BIND_NOW" in dynamic and "PIE" in dynamic, (program, dynamic)
            headers = subprocess.run(["readelf", "-l", "-W", path], capture_output=True,
                                     text=True).stdout
            assert "GNU_RELRO" in headers, program
            symbols = subprocess.run(["readelf", "--dyn-syms", "-W", path], capture_output=True,
                                     text=True).stdout
            assert "_chk@" in symbols, program
            sections = subprocess.run(["readelf", "-S", "-W", path], capture_output=True,
                                      text=True).stdout
            assert ".debug_info" not in sections and ".symtab" not in sections, program
        out = subprocess.run([os.path.join(folder, "usr/sbin/huishangd"), "--check-config",
                              "--config", os.path.join(folder, "etc/huishang/huishang.cfg")],
                             capture_output=True, text=True)
        assert out.returncode == 0 and "valid" in out.stdout, out.stdout + out.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return deb


STUB = """#!/bin/sh
echo "$(basename "$0") $*" >> "%s"
case "$1" in debian-installed) exit 1;; esac
exit 0
"""


def _dpkg(root, stubs, *args):
    env = dict(os.environ, PATH=stubs + ":" + os.environ["PATH"])
    out = subprocess.run(["dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends",
                          "--force-not-root", "--log=/dev/null"] + list(args),
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def _status(root):
    out = subprocess.run(["dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W",
                          "-f", "${Status} ${Version}", "huishang"], capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else "not-installed"


def _higher_version(deb, folder, version):
    """The same package at a higher version: what a second build with a
    new debian/changelog entry gives, without building again."""
    tree = os.path.join(folder, "tree")
    subprocess.run(["dpkg-deb", "-R", deb, tree], check=True)
    control = os.path.join(tree, "DEBIAN", "control")
    lines = open(control).read().splitlines()
    lines = ["Version: " + version if line.startswith("Version: ") else line for line in lines]
    open(control, "w").write("\n".join(lines) + "\n")
    upgraded = os.path.join(folder, "huishang_%s.deb" % version)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-b", tree, upgraded], check=True,
                   capture_output=True)
    shutil.rmtree(tree)
    return upgraded


def test_make_deb_lintian_and_install_upgrade_remove_purge():
    deb = _build_and_inspect()
    if shutil.which("dpkg") is None:
        print("skipped the install cycle: no dpkg")
        return
    folder = tempfile.mkdtemp(prefix="hs-dpkg-")
    try:
        root = os.path.join(folder, "root")
        for sub in ("info", "updates", "triggers"):
            os.makedirs(os.path.join(root, "var/lib/dpkg", sub))
        for name in ("status", "available"):
            open(os.path.join(root, "var/lib/dpkg", name), "w").close()
        stubs = os.path.join(folder, "stubs")
        os.mkdir(stubs)
        calls = os.path.join(folder, "calls")
        for name in ("deb-systemd-helper", "deb-systemd-invoke", "systemctl"):
            path = os.path.join(stubs, name)
            open(path, "w").write(STUB % calls)
            os.chmod(path, 0o755)

        def called():
            text = open(calls).read() if os.path.exists(calls) else ""
            open(calls, "w").close()
            return text.splitlines()

        version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], capture_output=True,
                                 text=True).stdout.strip()
        etc = os.path.join(root, "etc/huishang")
        # install: files in place, huishangd enabled, the board not
        _dpkg(root, stubs, "-i", deb)
        assert _status(root) == "install ok installed " + version
        for path in ("usr/sbin/huishangd", "usr/bin/huishang", "usr/sbin/huishang-web",
                     "lib/systemd/system/huishangd.service", "etc/huishang/rules.cfg",
                     "usr/lib/python3/dist-packages/huishang.py"):
            assert os.path.exists(os.path.join(root, path)), path
        log = called()
        assert "deb-systemd-helper enable huishangd.service" in log, log
        assert "deb-systemd-helper enable huishang-web.service" not in log, log
        out = subprocess.run([os.path.join(root, "usr/sbin/huishangd"), "--check-config", "--config",
                              os.path.join(etc, "huishang.cfg")], capture_output=True, text=True)
        assert out.returncode == 0 and "valid" in out.stdout, out.stdout + out.stderr
        # the scripts restart it on upgrade and stop it only on remove
        postinst = open(os.path.join(root, "var/lib/dpkg/info/huishang.postinst")).read()
        assert "_dh_action=restart" in postinst and "deb-systemd-invoke $_dh_action 'huishangd.service'" in postinst
        prerm = open(os.path.join(root, "var/lib/dpkg/info/huishang.prerm")).read()
        assert "[ \"$1\" = remove ]" in prerm and "stop 'huishangd.service'" in prerm, prerm
        # an operator's edit, and the store the daemon would have written
        with open(os.path.join(etc, "rules.cfg"), "a") as handle:
            handle.write("#   changed by the district\n")
        # the installed daemon on the installed configuration, its store where
        # the unit keeps it; a report in, then kill -9
        state = os.path.join(root, "var/lib/private/huishang")
        os.makedirs(state)
        os.symlink("private/huishang", os.path.join(root, "var/lib/huishang"))
        store = os.path.join(state, "store")
        daemon = Daemon(folder=state, config=os.path.join(etc, "huishang.cfg"),
                        binary=os.path.join(root, "usr/sbin/huishangd")).start()
        try:
            feeder = daemon.feeder()
            feeder.send(report(rid="pkg1", street="wanli", source="hrss", name="升级测试有限公司"))
            feeder.close()
            daemon.wait_counter("reports", 1)
            daemon.kill9()
        finally:
            daemon.cleanup()
        # upgrade: the edit survives, the unit is enabled again (state kept)
        upgraded = _higher_version(deb, folder, version + "+1")
        _dpkg(root, stubs, "--force-confold", "-i", upgraded)
        assert _status(root) == "install ok installed " + version + "+1"
        assert open(os.path.join(etc, "rules.cfg")).read().endswith("#   changed by the district\n")
        assert "deb-systemd-helper --quiet was-enabled huishangd.service" in called()
        # the upgraded daemon opens the store the killed one left: the report is there
        daemon = Daemon(folder=state, config=os.path.join(etc, "huishang.cfg"),
                        binary=os.path.join(root, "usr/sbin/huishangd")).start()
        try:
            assert daemon.health()["store"]["dedup"] == 1, daemon.health()["store"]
        finally:
            daemon.cleanup()
        # remove: programs gone; configuration and store kept
        _dpkg(root, stubs, "-r", "huishang")
        assert _status(root).startswith("deinstall ok config-files"), _status(root)
        assert not os.path.exists(os.path.join(root, "usr/sbin/huishangd"))
        assert os.path.exists(os.path.join(etc, "huishang.cfg"))
        assert os.path.exists(os.path.join(store, "data.mdb"))
        called()
        # purge: configuration, the store and systemd's state for both units gone
        _dpkg(root, stubs, "-P", "huishang")
        assert _status(root) in ("not-installed", "unknown ok not-installed"), _status(root)
        assert not os.path.exists(etc) and not os.path.lexists(os.path.join(root, "var/lib/huishang"))
        assert not os.path.exists(os.path.join(root, "var/lib/private/huishang"))
        log = called()
        if os.access("/usr/bin/deb-systemd-helper", os.X_OK):
            assert "deb-systemd-helper purge huishangd.service" in log, log
            assert "deb-systemd-helper purge huishang-web.service" in log, log
    finally:
        shutil.rmtree(folder, ignore_errors=True)
