/// A count and its noun in the right number: `1 packet`, `2 packets`, `0 changes`,
/// `1 entry` / `3 entries` (irregular plurals are given). Every count fwctl prints in words
/// goes through here, so none reads "1 packets".
public func counted<N: BinaryInteger>(_ n: N, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
}
