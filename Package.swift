// swift-tools-version:6.0
import PackageDescription

// One module per pipeline stage; the dependency rules below are explained in docs/DESIGN.md.
let package = Package(
    name: "fwctl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fwctl", targets: ["fwctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Addresses, prefixes, ranges and interval sets shared by every stage.
        .target(name: "FwctlNet"),
        // What every stage shares, without Foundation's run loop: running a program, system calls
        // retried on EINTR, atomic file replacement, SHA-256, UTC time.
        .target(name: "FwctlSystem", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Policy front end: lexer, parser, semantic checks, diagnostics, Fleet model.
        .target(name: "FwctlPolicy", dependencies: ["FwctlNet", "FwctlSystem"]),
        // The typed nftables model and its renderers (nft text, JSON).
        .target(name: "FwctlRuleset", dependencies: ["FwctlNet"]),
        // Fleet + host -> Ruleset.
        .target(name: "FwctlCompiler", dependencies: ["FwctlNet", "FwctlPolicy", "FwctlRuleset"]),
        // The state directory's files: opened safely (StateFile), read whole, in a checksummed binary form, written in the background.
        .target(name: "FwctlState", dependencies: ["FwctlSystem", "FwctlNet", "FwctlRuleset"]),
        // The apply log: hash-chained entries, appended, read and verified (no kernel, no policy).
        .target(name: "FwctlLog", dependencies: ["FwctlSystem", "FwctlState", "FwctlNet", "FwctlRuleset", "FwctlPlanner"]),
        // The kernel as a RulesetBackend: NetlinkBackend, its applied record, conflict retries, refusals named by plan change.
        .target(name: "FwctlKernel", dependencies: ["FwctlSystem", "FwctlState", "FwctlNet", "FwctlRuleset", "FwctlPlanner", "FwctlNetlink"]),
        // `fwctl status` as a value: what is loaded, drift, the last apply, counters per policy line (text, JSON, Prometheus).
        .target(name: "FwctlStatus", dependencies: ["FwctlKernel", "FwctlLog", "FwctlNet", "FwctlRuleset", "FwctlPlanner"]),
        // The table a host should have: cached, derived (TablePatch) or compiled; the policy's provenance for the log.
        .target(name: "FwctlDesired", dependencies: ["FwctlState", "FwctlLog", "FwctlSystem", "FwctlNet", "FwctlRuleset", "FwctlPolicy", "FwctlCompiler", "FwctlPlanner"]),
        // Orchestration around the kernel: host lock, lock-out guard, confirm/rollback, boot restore.
        .target(name: "FwctlApply", dependencies: ["FwctlSystem", "FwctlState", "FwctlLog", "FwctlKernel", "FwctlNet", "FwctlRuleset", "FwctlPlanner", "FwctlEvaluator"]),
        // Desired × current table -> Plan; the RulesetBackend protocol and its in-memory kernel fake.
        .target(name: "FwctlPlanner", dependencies: ["FwctlSystem", "FwctlNet", "FwctlRuleset"]),
        // libnftnl + libmnl for Swift: module map and C shims (only FwctlNetlink imports it).
        .systemLibrary(name: "CNftnl", pkgConfig: "libnftnl"),
        // Ruleset <-> nf_tables netlink: codec, batches, dumps, generation ids.
        .target(name: "FwctlNetlink", dependencies: ["CNftnl", "FwctlSystem", "FwctlNet", "FwctlRuleset"]),
        // One chain of a ruleset -> packet classes -> verdicts, unreachable rules, differences
        // (pure; rulesets only: verdicts never come from a policy).
        .target(name: "FwctlEvaluator", dependencies: ["FwctlNet", "FwctlRuleset"]),
        // Evaluated rulesets against the policy's intent: verification, tests, matrices, diff (pure).
        .target(name: "FwctlVerifier", dependencies: ["FwctlSystem", "FwctlNet", "FwctlRuleset", "FwctlPolicy", "FwctlEvaluator"]),
        // A live fleet in network namespaces: observed reachability against the verifier.
        .target(name: "FwctlLab", dependencies: ["FwctlSystem", "FwctlNet", "FwctlPolicy", "FwctlCompiler", "FwctlRuleset", "FwctlEvaluator", "FwctlVerifier", "FwctlKernel", "FwctlPlanner"]),
        // Fleet -> audit report (hosts, flows with review metadata, verification, tests, matrix) and its renderers.
        .target(name: "FwctlAudit", dependencies: ["FwctlSystem", "FwctlNet", "FwctlPolicy", "FwctlRuleset", "FwctlCompiler", "FwctlVerifier", "FwctlPlanner"]),
        // What every command shares: output, errors, usage rules, reading the policy.
        .target(name: "FwctlCLI", dependencies: ["FwctlPolicy", "FwctlSystem", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "fwctl",
            dependencies: [
                "FwctlNet", "FwctlPolicy", "FwctlRuleset", "FwctlCompiler", "FwctlPlanner", "FwctlApply",
                "FwctlState", "FwctlLog", "FwctlKernel", "FwctlStatus", "FwctlDesired",
                "FwctlLab", "FwctlVerifier", "FwctlAudit", "FwctlSystem", "FwctlCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The fleet test's namespaces (scripts/fleet-test.py): the lab's network, kept until stdin closes.
        .executableTarget(name: "fwctl-fleet-lab", dependencies: ["FwctlLab", "FwctlPolicy"]),
        .testTarget(name: "FwctlNetTests", dependencies: ["FwctlNet"]),
        .testTarget(name: "FwctlSystemTests", dependencies: ["FwctlSystem"]),
        .testTarget(name: "FwctlCLITests", dependencies: ["FwctlCLI", "FwctlPolicy", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "FwctlApplyTests", dependencies: ["FwctlApply", "FwctlState", "FwctlLog", "FwctlKernel", "FwctlDesired", "FwctlPlanner", "FwctlRuleset", "FwctlNet", "FwctlTestSupport"]),
        .testTarget(name: "FwctlStateTests", dependencies: ["FwctlState", "FwctlRuleset", "FwctlNet"]),
        .testTarget(name: "FwctlLogTests", dependencies: ["FwctlLog", "FwctlState", "FwctlSystem", "FwctlPlanner", "FwctlRuleset", "FwctlNet", "FwctlTestSupport"]),
        .testTarget(name: "FwctlKernelTests", dependencies: ["FwctlKernel", "FwctlState", "FwctlNetlink", "FwctlPlanner", "FwctlRuleset", "FwctlNet", "FwctlTestSupport"]),
        .testTarget(name: "FwctlStatusTests", dependencies: ["FwctlStatus", "FwctlLog", "FwctlPlanner", "FwctlRuleset", "FwctlNet", "FwctlTestSupport"]),
        .testTarget(name: "FwctlDesiredTests", dependencies: ["FwctlDesired", "FwctlState", "FwctlLog", "FwctlSystem", "FwctlPolicy", "FwctlCompiler", "FwctlPlanner", "FwctlRuleset", "FwctlNet", "FwctlTestSupport"]),
        .testTarget(name: "FwctlCompilerTests", dependencies: ["FwctlCompiler", "FwctlPolicy", "FwctlRuleset", "FwctlNet", "FwctlTestSupport"]),
        .testTarget(name: "FwctlPlannerTests", dependencies: ["FwctlPlanner", "FwctlSystem", "FwctlRuleset", "FwctlNet", "FwctlKernel", "FwctlTestSupport", "FwctlCompiler", "FwctlPolicy"]),
        .testTarget(name: "FwctlNetlinkTests", dependencies: ["FwctlNetlink", "FwctlNet", "FwctlRuleset", "FwctlTestSupport"], exclude: ["Recorded"]),
        // Network namespaces and process helpers for kernel tests (never the host's firewall), and a small sample table.
        .target(name: "FwctlTestSupport", dependencies: ["FwctlSystem", "FwctlNet", "FwctlRuleset"]),
        // Hand-written and random chains and packets for the evaluator's and the verifier's tests.
        .target(name: "FwctlEvaluatorTestSupport", dependencies: ["FwctlEvaluator", "FwctlRuleset", "FwctlNet"]),
        .testTarget(name: "FwctlRulesetTests", dependencies: ["FwctlRuleset", "FwctlNet", "FwctlTestSupport"]),
        .testTarget(name: "FwctlPolicyTests", dependencies: ["FwctlPolicy", "FwctlNet", "FwctlSystem", "FwctlTestSupport"], exclude: ["Corpus", "Golden"]),
        .testTarget(name: "FwctlEvaluatorTests", dependencies: ["FwctlEvaluator", "FwctlRuleset", "FwctlNet", "FwctlEvaluatorTestSupport"]),
        .testTarget(name: "FwctlVerifierTests", dependencies: ["FwctlVerifier", "FwctlEvaluator", "FwctlRuleset", "FwctlNet", "FwctlPolicy", "FwctlCompiler", "FwctlTestSupport", "FwctlEvaluatorTestSupport"]),
        .testTarget(name: "FwctlLabTests", dependencies: ["FwctlLab", "FwctlPolicy", "FwctlNet", "FwctlCompiler", "FwctlVerifier", "FwctlRuleset", "FwctlTestSupport"], exclude: ["Regression"]),
        .testTarget(name: "FwctlAuditTests", dependencies: ["FwctlAudit", "FwctlVerifier", "FwctlPolicy", "FwctlNet", "FwctlRuleset", "FwctlTestSupport"]),
        .testTarget(name: "FwctlIntegrationTests",
                    dependencies: ["fwctl", "FwctlCompiler", "FwctlPolicy", "FwctlRuleset", "FwctlApply", "FwctlLog", "FwctlKernel", "FwctlTestSupport"]),
    ]
)
