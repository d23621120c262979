/**
 * Third-party GitHub Actions used by the generated workflows, pinned by full commit SHA.
 * The version is written next to each `uses:` as a comment so Dependabot/Renovate can bump it.
 * @public
 */
export const PINNED_ACTIONS = {
  checkout: { repo: 'actions/checkout', sha: '11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  setupNode: { repo: 'actions/setup-node', sha: '39370e3970a6d050c480ffad4ff0ed4d3fdee5af', version: 'v4.1.0' },
  uploadArtifact: { repo: 'actions/upload-artifact', sha: 'b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882', version: 'v4.4.3' },
  setupBuildx: { repo: 'docker/setup-buildx-action', sha: 'c47758b77c9736f4b2ef4073d4d51994fabfe349', version: 'v3.7.1' },
  login: { repo: 'docker/login-action', sha: '9780b0c442fbb1117ed29e0efdff1e18412f7567', version: 'v3.3.0' },
  buildPush: { repo: 'docker/build-push-action', sha: '4f58ea79222b3b9dc2c8bbdd6debcef730109a75', version: 'v6.9.0' },
  cosignInstaller: { repo: 'sigstore/cosign-installer', sha: 'dc72c7d5c4d10cd6bcb8cf6e3fd625a9e5e537da', version: 'v3.7.0' },
  setupTerraform: { repo: 'hashicorp/setup-terraform', sha: 'b9cd54a3c349d3f38e8881555d616ced269862dd', version: 'v3.1.2' },
} as const;

/** `uses:` value plus version comment, e.g. `actions/checkout@<sha> # v4.2.2`. */
export function uses(action: keyof typeof PINNED_ACTIONS): string {
  const a = PINNED_ACTIONS[action];
  return `${a.repo}@${a.sha} # ${a.version}`;
}

/**
 * CLI tools the workflows download from their GitHub releases. Each install verifies the
 * archive against the release's checksum file and stops on a mismatch (fail-closed).
 * @public
 */
export const TOOL_RELEASES = {
  syft: { version: '1.18.1' },
  gitleaks: { version: '8.21.2' },
  kubeconform: { version: '0.6.7' },
  kyverno: { version: '1.13.2' },
  infracost: { version: '0.10.39' },
  cosign: { version: 'v2.4.1' },
  terraform: { version: '1.9.8' },
} as const;

/**
 * The CLIs installed from their GitHub releases by {@link installTool}.
 * @public
 */
export type ReleasedTool = 'syft' | 'gitleaks' | 'kubeconform' | 'kyverno' | 'infracost';

/**
 * A bash step body that downloads a release archive and its checksum file, refuses to go on
 * unless `sha256sum` confirms the archive, then installs the binary into `$HOME/.local/bin`.
 */
export function installTool(tool: ReleasedTool): string {
  const v = TOOL_RELEASES[tool].version;
  const spec: Record<typeof tool, { base: string; archive: string; sums: string; bin: string }> = {
    syft: {
      base: `https://github.com/anchore/syft/releases/download/v${v}`,
      archive: `syft_${v}_linux_amd64.tar.gz`,
      sums: `syft_${v}_checksums.txt`,
      bin: 'syft',
    },
    gitleaks: {
      base: `https://github.com/gitleaks/gitleaks/releases/download/v${v}`,
      archive: `gitleaks_${v}_linux_x64.tar.gz`,
      sums: `gitleaks_${v}_checksums.txt`,
      bin: 'gitleaks',
    },
    kubeconform: {
      base: `https://github.com/yannh/kubeconform/releases/download/v${v}`,
      archive: 'kubeconform-linux-amd64.tar.gz',
      sums: 'CHECKSUMS',
      bin: 'kubeconform',
    },
    kyverno: {
      base: `https://github.com/kyverno/kyverno/releases/download/v${v}`,
      archive: `kyverno-cli_v${v}_linux_x86_64.tar.gz`,
      sums: 'checksums.txt',
      bin: 'kyverno',
    },
    infracost: {
      base: `https://github.com/infracost/infracost/releases/download/v${v}`,
      archive: 'infracost-linux-amd64.tar.gz',
      sums: 'infracost-linux-amd64.tar.gz.sha256',
      bin: 'infracost-linux-amd64',
    },
  };
  const s = spec[tool];
  const target = tool === 'infracost' ? 'infracost' : s.bin;
  return [
    'set -euo pipefail',
    'workdir="$(mktemp -d)"',
    'cd "$workdir"',
    `curl -fsSLo "${s.archive}" "${s.base}/${s.archive}"`,
    `curl -fsSLo "${s.sums}" "${s.base}/${s.sums}"`,
    `grep -E " [*]?${s.archive.replace(/\./g, '\\.')}$" "${s.sums}" > expected.sha256 || { echo "::error::${s.archive} is not listed in ${s.sums}"; exit 1; }`,
    `sha256sum --check --strict expected.sha256 || { echo "::error::checksum mismatch for ${s.archive}; refusing to install ${tool}"; exit 1; }`,
    `tar -xzf "${s.archive}" "${s.bin}"`,
    'mkdir -p "$HOME/.local/bin"',
    `install -m 0755 "${s.bin}" "$HOME/.local/bin/${target}"`,
    'echo "$HOME/.local/bin" >> "$GITHUB_PATH"',
  ].join('\n');
}
