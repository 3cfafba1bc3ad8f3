import Foundation

/// The one folder a test process keeps its temporary files in (fixture copies, outputs and the
/// record caches beside them, catalogs, browser profiles): `$TMPDIR/combos-tests/PID/`.
///
/// Suites hold fixture sites and shared outputs for the whole run and cannot all say when they
/// are done with them (Swift Testing has no end-of-run hook), so each test process removes its
/// folder when it exits, and the next run removes the folders of processes that did not get to
/// (killed, crashed). Before, every run left some 20 MB of folders in /tmp.
public enum TestScratch {
    /// This process's folder, made (and the leftovers of dead processes removed) on first use.
    public static let root: String = {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("combos-tests").path
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
            // A folder whose process is gone; a running one (another clone's tests) is left alone.
            guard let pid = pid_t(entry), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: base + "/" + entry)
        }
        let root = base + "/\(getpid())"
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestScratch.root) }
        return root
    }()

    /// A new path in this process's folder, not yet made: `prefix-UUID`.
    public static func path(_ prefix: String) -> String {
        root + "/" + prefix + "-" + UUID().uuidString
    }
}
