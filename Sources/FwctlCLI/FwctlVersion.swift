/// fwctl's version: what `fwctl --version` prints, and part of what a cached compilation was
/// made by (a cache written by another version is not trusted).
public enum FwctlVersion {
    public static let string = "0.1.0"
}
