// swift-tools-version:6.0
import PackageDescription

// One module per pipeline stage (see ../shared/design/ARCHITECTURE.md and docs/DESIGN.md).
let package = Package(
    name: "fwctl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fwctl", targets: ["fwctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Addresses, prefixes, ranges and interval sets shared by every stage.
        .target(name: "FwctlNet"),
        // Policy front end: lexer, parser, semantic checks, diagnostics, Fleet model.
        .target(name: "FwctlPolicy", dependencies: ["FwctlNet"]),
        // The typed nftables model and its renderers (nft text, JSON).
        .target(name: "FwctlRuleset", dependencies: ["FwctlNet"]),
        // Fleet + host -> Ruleset.
        .target(name: "FwctlCompiler", dependencies: ["FwctlNet", "FwctlPolicy", "FwctlRuleset"]),
        // Desired × current table -> Plan; the RulesetBackend protocol and its in-memory kernel fake.
        .target(name: "FwctlPlanner", dependencies: ["FwctlNet", "FwctlRuleset"]),
        .executableTarget(
            name: "fwctl",
            dependencies: [
                "FwctlNet", "FwctlPolicy", "FwctlRuleset", "FwctlCompiler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FwctlNetTests", dependencies: ["FwctlNet"]),
        .testTarget(name: "FwctlPlannerTests", dependencies: ["FwctlPlanner", "FwctlRuleset", "FwctlNet"]),
        // Network namespaces and process helpers for kernel tests (never the host's firewall).
        .target(name: "FwctlTestSupport"),
        .testTarget(name: "FwctlRulesetTests", dependencies: ["FwctlRuleset", "FwctlNet", "FwctlTestSupport"]),
    ]
)
