import { installTool, ReleasedTool, TOOL_RELEASES, uses } from './pins';

/**
 * Values the workflow generators need. Every string is validated by the action's input schema
 * (no quotes, newlines or expressions), so it is safe to place in YAML and shell.
 * @public
 */
export interface PipelineSettings {
  /** `owner/repo` of the generated repository. */
  repository: string;
  /** Default branch; only pushes to it sign and publish. */
  defaultBranch: string;
  /** Image repository without tag, e.g. `ghcr.io/acme/payments`. */
  imageName: string;
  /** Node.js major version for build and test. */
  nodeVersion: string;
  /** Install command, e.g. `yarn install --immutable`. */
  installCommand: string;
  /** Test command, e.g. `yarn test`. */
  testCommand: string;
  /** Catalog entity ref reported to Goldenpath, e.g. `component:default/payments`. */
  entityRef: string;
  /** Goldenpath base URL, e.g. `https://backstage.example.com`. */
  goldenpathUrl: string;
  /** Terraform root module folder. */
  terraformDir: string;
  /** Environments with a Terraform var file `<terraformDir>/environments/<env>.tfvars`. */
  environments: string[];
  /** Tags every managed resource must carry in `tags_all`. */
  requiredTags: string[];
  /** Allowed values of the `cost_center` tag. */
  costCenters: string[];
  /** Owner written to the preview namespace annotation `platform.io/owner`. */
  owner: string;
  /** Cost center written to `platform.io/cost-center`. */
  costCenter: string;
  /** Preview namespace time to live, e.g. `72h`. */
  previewTtl: string;
  /** DNS zone of preview environments; the e2e suite targets `https://<namespace>.<previewDomain>`. */
  previewDomain: string;
  /** Folder with the Kubernetes manifests (kustomize base or plain YAML). */
  manifestsDir: string;
  /** Folder with the Kyverno policies and their `.kyverno-test/` fixtures. */
  policiesDir: string;
  /** End-to-end test command; receives `--shard` and `--grep-invert`. */
  e2eCommand: string;
  /** Number of e2e shards. */
  e2eShards: number;
}

/** Keyless signing identity of `ci.yml` on the default branch (what the Kyverno policy expects). */
export function ciIdentity(s: Pick<PipelineSettings, 'repository' | 'defaultBranch'>): string {
  return `https://github.com/${s.repository}/.github/workflows/ci.yml@refs/heads/${s.defaultBranch}`;
}

/** GitHub's OIDC token issuer, the certificate issuer of keyless signatures made in Actions. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** buildType of the SLSA v1 provenance written by `ci.yml` (GitHub Actions workflow build type). */
export const SLSA_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map(l => (l.length ? pad + l : l))
    .join('\n');
}

function yamlList(values: string[]): string {
  return `[${values.map(v => JSON.stringify(v)).join(', ')}]`;
}

/** Step names of the checksum-verified tool installs. */
const TOOL_STEP_NAMES: Record<ReleasedTool, string> = {
  syft: 'Install syft',
  gitleaks: 'Install gitleaks',
  kubeconform: 'Install kubeconform',
  kyverno: 'Install the Kyverno CLI',
  infracost: 'Install Infracost',
};

/**
 * A setup step shared by several jobs:
 * - `checkout`: actions/checkout without persisting the token in `.git/config`;
 *   `checkout-full-history` also fetches every commit (gitleaks scans the history);
 * - `node`: setup-node at `nodeVersion`, then the install command;
 * - `terraform`: setup-terraform at the pinned version, without the wrapper (so exit codes and
 *   `show -json` output are terraform's own);
 * - `cosign`: cosign-installer at the pinned release;
 * - `cluster-access`: writes the `PREVIEW_KUBECONFIG` secret to a file only the runner user can
 *   read and points `KUBECONFIG` at it for the job's later steps;
 * - a {@link ReleasedTool}: its checksum-verified install from the GitHub release.
 */
type SetupStep =
  | 'checkout'
  | 'checkout-full-history'
  | 'node'
  | 'terraform'
  | 'cosign'
  | 'cluster-access'
  | ReleasedTool;

/** Renders setup steps, in the order given, as items of a job's `steps:` list. */
function setupSteps(s: PipelineSettings, ...steps: SetupStep[]): string {
  return steps
    .map(step => {
      switch (step) {
        case 'checkout':
        case 'checkout-full-history':
          return `      - uses: ${uses('checkout')}
        with:${step === 'checkout-full-history' ? '\n          fetch-depth: 0' : ''}
          persist-credentials: false`;
        case 'node':
          return `      - uses: ${uses('setupNode')}
        with:
          node-version: '${s.nodeVersion}'
      - name: Install dependencies
        run: ${s.installCommand}`;
        case 'terraform':
          return `      - uses: ${uses('setupTerraform')}
        with:
          terraform_version: ${TOOL_RELEASES.terraform.version}
          terraform_wrapper: false`;
        case 'cosign':
          return `      - uses: ${uses('cosignInstaller')}
        with:
          cosign-release: ${TOOL_RELEASES.cosign.version}`;
        case 'cluster-access':
          return `      - name: Configure cluster access
        env:
          KUBECONFIG_DATA: \${{ secrets.PREVIEW_KUBECONFIG }}
        run: |
          set -euo pipefail
          umask 077
          printf '%s' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/kubeconfig"
          echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"`;
        default:
          return `      - name: ${TOOL_STEP_NAMES[step]} ${TOOL_RELEASES[step].version} (checksum verified)
        run: |
${indent(installTool(step), 10)}`;
      }
    })
    .join('\n');
}

/** Step env entries `GOLDENPATH_URL` and `GOLDENPATH_TOKEN` (from the repository secret) for {@link postReport}. */
function goldenpathEnv(s: PipelineSettings): string {
  return `          GOLDENPATH_URL: ${s.goldenpathUrl}
          GOLDENPATH_TOKEN: \${{ secrets.GOLDENPATH_TOKEN }}`;
}

/**
 * The shell command of a step that posts a JSON report (with {@link goldenpathEnv} in the
 * step's env) to the reliability plugin's `POST /api/reliability/reports/{cost,drift}`.
 */
function postReport(file: string, report: 'cost' | 'drift'): string {
  return `          curl --fail-with-body --silent --show-error --retry 3 \\
            -H "Authorization: Bearer $GOLDENPATH_TOKEN" \\
            -H 'Content-Type: application/json' \\
            --data @${file} \\
            "$GOLDENPATH_URL/api/reliability/reports/${report}"`;
}

/** Preview namespace of a PR: `pr-<number>-<repo name>` (a DNS label). */
function previewNamespace(s: PipelineSettings): string {
  const repo = s.repository.split('/')[1].toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
  return `pr-\${{ github.event.pull_request.number }}-${repo}`;
}

/** `ci.yml`: test, build, SBOMs, keyless signing, attestations, verification, digest output. */
export function ciWorkflow(s: PipelineSettings): string {
  return `# Generated by goldenpath:pipelines:generate. Signed supply chain for ${s.imageName}.
name: CI

on:
  push:
    branches: [${s.defaultBranch}]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: ci-\${{ github.ref }}
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}

env:
  IMAGE: ${s.imageName}
  CERT_IDENTITY: ${ciIdentity(s)}
  CERT_ISSUER: ${GITHUB_OIDC_ISSUER}

jobs:
  test:
    name: Build and test
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
${setupSteps(s, 'checkout', 'node')}
      - name: Test
        run: ${s.testCommand}

  image:
    name: Image, SBOMs, signature and provenance
    needs: test
    if: github.event_name == 'push' && github.ref == 'refs/heads/${s.defaultBranch}'
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      packages: write
      id-token: write
    outputs:
      digest: \${{ steps.build.outputs.digest }}
      image: \${{ env.IMAGE }}@\${{ steps.build.outputs.digest }}
    steps:
${setupSteps(s, 'checkout')}
      - uses: ${uses('setupBuildx')}
      - uses: ${uses('login')}
        with:
          registry: ghcr.io
          username: \${{ github.actor }}
          password: \${{ secrets.GITHUB_TOKEN }}
      - name: Build and push
        id: build
        uses: ${uses('buildPush')}
        with:
          context: .
          push: true
          tags: \${{ env.IMAGE }}:\${{ github.sha }}
          # Provenance and SBOM are attached below with cosign, in the formats the policy verifies.
          provenance: false
          sbom: false
${setupSteps(s, 'cosign', 'syft')}
      - name: Generate SBOMs (SPDX and CycloneDX)
        env:
          DIGEST: \${{ steps.build.outputs.digest }}
        run: |
          set -euo pipefail
          syft "$IMAGE@$DIGEST" -o spdx-json=sbom.spdx.json -o cyclonedx-json=sbom.cdx.json
          test "$(jq '.packages | length' sbom.spdx.json)" -gt 0
      - name: Sign the image (keyless)
        env:
          DIGEST: \${{ steps.build.outputs.digest }}
        run: cosign sign --yes "$IMAGE@$DIGEST"
      - name: Attest the SBOMs
        env:
          DIGEST: \${{ steps.build.outputs.digest }}
        run: |
          set -euo pipefail
          cosign attest --yes --type spdxjson --predicate sbom.spdx.json "$IMAGE@$DIGEST"
          cosign attest --yes --type cyclonedx --predicate sbom.cdx.json "$IMAGE@$DIGEST"
      - name: Attest SLSA provenance v1
        env:
          DIGEST: \${{ steps.build.outputs.digest }}
          RUN_URL: \${{ github.server_url }}/\${{ github.repository }}/actions/runs/\${{ github.run_id }}/attempts/\${{ github.run_attempt }}
        run: |
          set -euo pipefail
          jq -n \\
            --arg buildType '${SLSA_BUILD_TYPE}' \\
            --arg repo "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" \\
            --arg ref "$GITHUB_REF" \\
            --arg sha "$GITHUB_SHA" \\
            --arg builder "$CERT_IDENTITY" \\
            --arg runUrl "$RUN_URL" \\
            --arg event "$GITHUB_EVENT_NAME" \\
            --arg started "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \\
            '{
              buildDefinition: {
                buildType: $buildType,
                externalParameters: { workflow: { ref: $ref, repository: $repo, path: ".github/workflows/ci.yml" } },
                internalParameters: { github: { event_name: $event } },
                resolvedDependencies: [ { uri: ("git+" + $repo + "@" + $ref), digest: { gitCommit: $sha } } ]
              },
              runDetails: {
                builder: { id: $builder },
                metadata: { invocationId: $runUrl, startedOn: $started }
              }
            }' > provenance.json
          # slsaprovenance1 = predicate type https://slsa.dev/provenance/v1, the one the policy requires.
          cosign attest --yes --type slsaprovenance1 --predicate provenance.json "$IMAGE@$DIGEST"
      - name: Verify signature and attestations before hand-off
        env:
          DIGEST: \${{ steps.build.outputs.digest }}
        run: |
          set -euo pipefail
          cosign verify --certificate-identity "$CERT_IDENTITY" --certificate-oidc-issuer "$CERT_ISSUER" "$IMAGE@$DIGEST" > /dev/null
          for type in spdxjson cyclonedx slsaprovenance1; do
            cosign verify-attestation --type "$type" --certificate-identity "$CERT_IDENTITY" --certificate-oidc-issuer "$CERT_ISSUER" "$IMAGE@$DIGEST" > /dev/null
          done
          echo "Verified $IMAGE@$DIGEST" >> "$GITHUB_STEP_SUMMARY"
`;
}

/** `secret-scan.yml`: gitleaks on the PR's commits and nightly over the full history. */
export function secretScanWorkflow(s: PipelineSettings): string {
  return `# Generated by goldenpath:pipelines:generate.
name: Secret scan

on:
  pull_request:
  schedule:
    - cron: '17 2 * * *'
  workflow_dispatch:

permissions:
  contents: read

jobs:
  gitleaks:
    name: gitleaks
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
${setupSteps(s, 'checkout-full-history', 'gitleaks')}
      - name: Scan the pull request's commits
        if: github.event_name == 'pull_request'
        env:
          BASE_SHA: \${{ github.event.pull_request.base.sha }}
          HEAD_SHA: \${{ github.event.pull_request.head.sha }}
        run: gitleaks git --redact --exit-code 1 --log-opts="--no-merges $BASE_SHA..$HEAD_SHA" .
      - name: Scan the full history
        if: github.event_name != 'pull_request'
        run: gitleaks git --redact --exit-code 1 .
`;
}

function tfEnvMatrix(s: PipelineSettings): string {
  return `strategy:
      fail-fast: false
      matrix:
        environment: ${yamlList(s.environments)}`;
}

/** `iac-pr.yml`: plan, tag policy, signed plan, Infracost budgets, cost report to Goldenpath. */
export function iacPrWorkflow(s: PipelineSettings): string {
  return `# Generated by goldenpath:pipelines:generate.
name: IaC plan

on:
  pull_request:
    types: [opened, synchronize, reopened, labeled, unlabeled]
    paths:
      - '${s.terraformDir}/**'
      - '.platform/budgets.yaml'
      - '.github/workflows/iac-pr.yml'

permissions:
  contents: read

concurrency:
  group: iac-pr-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

env:
  TF_DIR: ${s.terraformDir}
  TF_IN_AUTOMATION: 'true'
  REQUIRED_TAGS: '${JSON.stringify(s.requiredTags)}'
  COST_CENTERS: '${JSON.stringify(s.costCenters)}'

jobs:
  plan:
    name: Plan (\${{ matrix.environment }})
    runs-on: ubuntu-24.04
    ${tfEnvMatrix(s)}
    permissions:
      contents: read
      id-token: write
    steps:
${setupSteps(s, 'checkout', 'terraform', 'cosign', 'infracost')}
      - name: terraform plan -out
        env:
          ENVIRONMENT: \${{ matrix.environment }}
        run: |
          set -euo pipefail
          terraform -chdir="$TF_DIR" init -input=false
          terraform -chdir="$TF_DIR" plan -input=false -lock=false -var-file="environments/$ENVIRONMENT.tfvars" -out=tfplan.binary
          terraform -chdir="$TF_DIR" show -json tfplan.binary > plan.json
          mv "$TF_DIR/tfplan.binary" tfplan.binary
      - name: Tag policy (tags_all of every managed resource)
        run: |
          set -euo pipefail
          jq -r --argjson required "$REQUIRED_TAGS" --argjson allowed "$COST_CENTERS" '
            .resource_changes[]
            | select(.mode == "managed")
            | select((.change.actions | index("delete")) == null or (.change.actions | index("create")) != null)
            | select(.change.after != null and (.change.after | has("tags_all")))
            | . as $r
            | ($r.change.after.tags_all // {}) as $tags
            | ( [ $required[] | select(($tags[.] // "") == "") | "\\($r.address): missing required tag \\(.)" ]
                + ( if ($tags.cost_center // "") != "" and ($allowed | index($tags.cost_center)) == null
                    then [ "\\($r.address): cost_center \\($tags.cost_center) is not in the allow-list" ] else [] end ) )[]
          ' plan.json > tag-violations.txt
          if [ -s tag-violations.txt ]; then
            while IFS= read -r line; do echo "::error::$line"; done < tag-violations.txt
            exit 1
          fi
      - name: Sign the plan (keyless)
        run: |
          set -euo pipefail
          sha256sum tfplan.binary > tfplan.binary.sha256
          cosign sign-blob --yes --bundle tfplan.binary.bundle tfplan.binary
      - name: Upload the signed plan
        uses: ${uses('uploadArtifact')}
        with:
          name: tfplan-\${{ matrix.environment }}-\${{ github.event.pull_request.head.sha }}
          path: |
            tfplan.binary
            tfplan.binary.bundle
            tfplan.binary.sha256
            plan.json
          retention-days: 30
          if-no-files-found: error
      - name: infracost diff
        run: infracost diff --path plan.json --format json --out-file infracost.json
        env:
          INFRACOST_API_KEY: \${{ secrets.INFRACOST_API_KEY }}
      - name: Report the cost to Goldenpath
        env:
${goldenpathEnv(s)}
          ENVIRONMENT: \${{ matrix.environment }}
          PR_NUMBER: \${{ github.event.pull_request.number }}
          LABELS: \${{ toJSON(github.event.pull_request.labels.*.name) }}
        run: |
          set -euo pipefail
          budget="$(yq -o=json ".environments.\\"$ENVIRONMENT\\" // {}" .platform/budgets.yaml)"
          jq -n \\
            --arg entityRef '${s.entityRef}' \\
            --arg repository "$GITHUB_REPOSITORY" \\
            --argjson pullRequest "$PR_NUMBER" \\
            --arg environment "$ENVIRONMENT" \\
            --argjson budget "$budget" \\
            --argjson labels "$LABELS" \\
            --slurpfile infracost infracost.json \\
            '{entityRef: $entityRef, repository: $repository, pullRequest: $pullRequest, environment: $environment, budget: $budget, labels: $labels, infracost: $infracost[0]}' > cost-report.json
${postReport('cost-report.json', 'cost')}
      - name: Budget gate (.platform/budgets.yaml)
        env:
          ENVIRONMENT: \${{ matrix.environment }}
          LABELS: \${{ toJSON(github.event.pull_request.labels.*.name) }}
        run: |
          set -euo pipefail
          limit() { yq ".environments.\\"$ENVIRONMENT\\".$1 // \\"\\"" .platform/budgets.yaml; }
          delta="$(jq -r '.diffTotalMonthlyCost // "0"' infracost.json)"
          total="$(jq -r '.totalMonthlyCost // "0"' infracost.json)"
          approved="$(jq -r 'index("finops-approved") != null' <<< "$LABELS")"
          gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }
          echo "### $ENVIRONMENT: +\\$$delta/month, \\$$total/month total" >> "$GITHUB_STEP_SUMMARY"
          abs="$(limit absolute_usd)"; pr="$(limit pr_delta_usd)"; appr="$(limit approval_usd)"; soft="$(limit soft_fail_usd)"
          if [ -n "$abs" ] && gt "$total" "$abs"; then echo "::error::$ENVIRONMENT total \\$$total/month exceeds absolute_usd \\$$abs"; exit 1; fi
          if [ -n "$pr" ] && gt "$delta" "$pr"; then echo "::error::$ENVIRONMENT increase \\$$delta/month exceeds pr_delta_usd \\$$pr"; exit 1; fi
          if [ -n "$appr" ] && gt "$delta" "$appr" && [ "$approved" != "true" ]; then
            echo "::error::$ENVIRONMENT increase \\$$delta/month exceeds approval_usd \\$$appr; add the finops-approved label after FinOps review"; exit 1
          fi
          if [ -n "$soft" ] && gt "$delta" "$soft"; then echo "::warning::$ENVIRONMENT increase \\$$delta/month is above soft_fail_usd \\$$soft"; fi
`;
}

/** `iac-apply.yml`: apply exactly the plan signed for the merged PR — never re-plan. */
export function iacApplyWorkflow(s: PipelineSettings): string {
  return `# Generated by goldenpath:pipelines:generate.
name: IaC apply

on:
  push:
    branches: [${s.defaultBranch}]
    paths:
      - '${s.terraformDir}/**'

permissions:
  contents: read

concurrency:
  group: iac-apply
  cancel-in-progress: false

env:
  TF_DIR: ${s.terraformDir}
  TF_IN_AUTOMATION: 'true'
  CERT_ISSUER: ${GITHUB_OIDC_ISSUER}

jobs:
  apply:
    name: Apply (\${{ matrix.environment }})
    runs-on: ubuntu-24.04
    strategy:
      max-parallel: 1
      matrix:
        environment: ${yamlList(s.environments)}
    environment: \${{ matrix.environment }}
    permissions:
      contents: read
      actions: read
      pull-requests: read
    steps:
${setupSteps(s, 'checkout', 'terraform', 'cosign')}
      - name: Resolve the pull request of the merge commit
        id: pr
        env:
          GH_TOKEN: \${{ github.token }}
        run: |
          set -euo pipefail
          pr="$(gh api "repos/$GITHUB_REPOSITORY/commits/$GITHUB_SHA/pulls" --jq '[.[] | select(.merged_at != null)][0]')"
          if [ -z "$pr" ] || [ "$pr" = "null" ]; then echo "::error::$GITHUB_SHA is not the merge of a pull request; refusing to apply an unreviewed plan"; exit 1; fi
          echo "number=$(jq -r .number <<< "$pr")" >> "$GITHUB_OUTPUT"
          echo "head_sha=$(jq -r .head.sha <<< "$pr")" >> "$GITHUB_OUTPUT"
      - name: Download that exact signed plan
        env:
          GH_TOKEN: \${{ github.token }}
          HEAD_SHA: \${{ steps.pr.outputs.head_sha }}
          ENVIRONMENT: \${{ matrix.environment }}
        run: |
          set -euo pipefail
          run_id="$(gh run list --repo "$GITHUB_REPOSITORY" --workflow iac-pr.yml --commit "$HEAD_SHA" --status success --limit 1 --json databaseId --jq '.[0].databaseId')"
          if [ -z "$run_id" ] || [ "$run_id" = "null" ]; then echo "::error::no successful iac-pr run for $HEAD_SHA"; exit 1; fi
          gh run download "$run_id" --repo "$GITHUB_REPOSITORY" --name "tfplan-$ENVIRONMENT-$HEAD_SHA" --dir plan
      - name: Verify the plan signature and SHA-256
        env:
          PR_NUMBER: \${{ steps.pr.outputs.number }}
        run: |
          set -euo pipefail
          identity="https://github.com/$GITHUB_REPOSITORY/.github/workflows/iac-pr.yml@refs/pull/$PR_NUMBER/merge"
          cosign verify-blob --bundle plan/tfplan.binary.bundle --certificate-identity "$identity" --certificate-oidc-issuer "$CERT_ISSUER" plan/tfplan.binary
          (cd plan && sha256sum --check --strict tfplan.binary.sha256)
      - name: terraform apply of the binary plan
        run: |
          set -euo pipefail
          terraform -chdir="$TF_DIR" init -input=false
          terraform -chdir="$TF_DIR" apply -input=false "$GITHUB_WORKSPACE/plan/tfplan.binary"
`;
}

/** `iac-drift.yml`: scheduled `terraform plan -detailed-exitcode`, result posted to Goldenpath. */
export function iacDriftWorkflow(s: PipelineSettings): string {
  return `# Generated by goldenpath:pipelines:generate.
name: IaC drift

on:
  schedule:
    - cron: '0 */6 * * *'
  workflow_dispatch:

permissions:
  contents: read

env:
  TF_DIR: ${s.terraformDir}
  TF_IN_AUTOMATION: 'true'

jobs:
  drift:
    name: Drift (\${{ matrix.environment }})
    runs-on: ubuntu-24.04
    ${tfEnvMatrix(s)}
    permissions:
      contents: read
    steps:
${setupSteps(s, 'checkout', 'terraform')}
      - name: terraform plan -detailed-exitcode
        id: plan
        env:
          ENVIRONMENT: \${{ matrix.environment }}
        run: |
          set -uo pipefail
          terraform -chdir="$TF_DIR" init -input=false || { echo "exit_code=1" >> "$GITHUB_OUTPUT"; exit 0; }
          terraform -chdir="$TF_DIR" plan -input=false -lock=false -detailed-exitcode -var-file="environments/$ENVIRONMENT.tfvars" -out=drift.tfplan
          code=$?
          echo "exit_code=$code" >> "$GITHUB_OUTPUT"
          if [ "$code" != 1 ]; then
            # Only the summary leaves the runner: plan JSON can hold sensitive attribute values.
            terraform -chdir="$TF_DIR" show -json drift.tfplan \\
              | jq '{format_version, terraform_version, resource_changes: [(.resource_changes // [])[] | {address, type, mode, action_reason, change: {actions: .change.actions}}], resource_drift: [(.resource_drift // [])[] | {address, type, mode, change: {actions: .change.actions}}]}' > plan-summary.json
          fi
      - name: Report the result to Goldenpath
        env:
${goldenpathEnv(s)}
          ENVIRONMENT: \${{ matrix.environment }}
          EXIT_CODE: \${{ steps.plan.outputs.exit_code }}
        run: |
          set -euo pipefail
          plan='null'
          if [ -f plan-summary.json ]; then plan="$(cat plan-summary.json)"; fi
          jq -n \\
            --arg entityRef '${s.entityRef}' \\
            --arg repository "$GITHUB_REPOSITORY" \\
            --arg environment "$ENVIRONMENT" \\
            --argjson exitCode "$EXIT_CODE" \\
            --arg checkedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \\
            --argjson plan "$plan" \\
            '{entityRef: $entityRef, repository: $repository, environment: $environment, exitCode: $exitCode, checkedAt: $checkedAt} + (if $plan == null then {} else {plan: $plan} end)' > drift-report.json
${postReport('drift-report.json', 'drift')}
          case "$EXIT_CODE" in
            0) echo "$ENVIRONMENT: no drift" >> "$GITHUB_STEP_SUMMARY" ;;
            2) echo "::warning::$ENVIRONMENT has drifted from its Terraform configuration" ;;
            *) echo "::error::terraform plan failed for $ENVIRONMENT"; exit 1 ;;
          esac
`;
}

/** `preview-env.yml`: one annotated namespace per PR, deleted when the PR closes. */
export function previewEnvWorkflow(s: PipelineSettings): string {
  return `# Generated by goldenpath:pipelines:generate.
name: Preview environment

on:
  pull_request:
    types: [opened, synchronize, reopened, closed]

permissions:
  contents: read

concurrency:
  group: preview-\${{ github.event.pull_request.number }}
  cancel-in-progress: false

env:
  NAMESPACE: ${previewNamespace(s)}

jobs:
  deploy:
    name: Deploy preview
    if: github.event.action != 'closed'
    runs-on: ubuntu-24.04
    environment: preview
    permissions:
      contents: read
    steps:
${setupSteps(s, 'checkout', 'cluster-access')}
      - name: Create the namespace
        env:
          PR_NUMBER: \${{ github.event.pull_request.number }}
        run: |
          set -euo pipefail
          cat <<MANIFEST | kubectl apply -f -
          apiVersion: v1
          kind: Namespace
          metadata:
            name: $NAMESPACE
            labels:
              pod-security.kubernetes.io/enforce: restricted
              pod-security.kubernetes.io/enforce-version: latest
              platform.io/preview: "true"
            annotations:
              platform.io/ttl: "${s.previewTtl}"
              platform.io/owner: "${s.owner}"
              platform.io/pr: "$PR_NUMBER"
              platform.io/cost-center: "${s.costCenter}"
          MANIFEST
      - name: Deploy
        run: |
          set -euo pipefail
          if [ -f "${s.manifestsDir}/kustomization.yaml" ]; then
            kubectl apply -n "$NAMESPACE" -k "${s.manifestsDir}"
          else
            kubectl apply -n "$NAMESPACE" -f "${s.manifestsDir}"
          fi
          echo "Preview namespace: $NAMESPACE" >> "$GITHUB_STEP_SUMMARY"

  teardown:
    name: Tear down preview
    if: github.event.action == 'closed'
    runs-on: ubuntu-24.04
    environment: preview
    permissions:
      contents: read
    steps:
${setupSteps(s, 'cluster-access')}
      - name: Delete the namespace
        run: kubectl delete namespace "$NAMESPACE" --ignore-not-found --wait=false
`;
}

/** `policies.yml`: `kyverno test` over the policy fixtures and kubeconform over the manifests. */
export function policiesWorkflow(s: PipelineSettings): string {
  return `# Generated by goldenpath:pipelines:generate.
name: Policies

on:
  pull_request:
    paths:
      - '${s.policiesDir}/**'
      - '${s.manifestsDir}/**'
      - '.github/workflows/policies.yml'
  push:
    branches: [${s.defaultBranch}]

permissions:
  contents: read

jobs:
  kyverno-test:
    name: kyverno test
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
${setupSteps(s, 'checkout', 'kyverno')}
      - name: kyverno test
        run: kyverno test ${s.policiesDir} --detailed-results

  kubeconform:
    name: kubeconform
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
${setupSteps(s, 'checkout', 'kubeconform')}
      - name: kubeconform
        run: |
          set -euo pipefail
          find ${s.manifestsDir} ${s.policiesDir} -type f \\( -name '*.yaml' -o -name '*.yml' \\) -not -path '*/.kyverno-test/*' -not -name 'kustomization.yaml' -print0 \\
            | xargs -0 kubeconform -strict -summary \\
                -schema-location default \\
                -schema-location 'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'
`;
}

/** `e2e.yml`: sharded end-to-end suite against the preview, plus nightly flaky-test quarantine. */
export function e2eWorkflow(s: PipelineSettings): string {
  const shards = Array.from({ length: s.e2eShards }, (_, i) => i + 1);
  return `# Generated by goldenpath:pipelines:generate.
name: E2E

on:
  pull_request:
  schedule:
    - cron: '43 3 * * *'
  workflow_dispatch:

permissions:
  contents: read

env:
  QUARANTINE_FILE: e2e/quarantine.json

jobs:
  e2e:
    name: E2E shard \${{ matrix.shard }}/${s.e2eShards}
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-24.04
    strategy:
      fail-fast: false
      matrix:
        shard: [${shards.join(', ')}]
    permissions:
      contents: read
    env:
      BASE_URL: https://${previewNamespace(s)}.${s.previewDomain}
    steps:
${setupSteps(s, 'checkout', 'node')}
      - name: Wait for the preview environment
        run: |
          set -euo pipefail
          for _ in $(seq 60); do
            if curl -fsS -o /dev/null "$BASE_URL"; then exit 0; fi
            sleep 10
          done
          echo "::error::$BASE_URL did not answer within 10 minutes"
          exit 1
      - name: Run the suite (quarantined tests skipped)
        env:
          SHARD: \${{ matrix.shard }}
        run: |
          set -euo pipefail
          skip=""
          if [ -f "$QUARANTINE_FILE" ]; then
            skip="$(python3 -c 'import json, re, sys; print("|".join(re.escape(t["title"]) for t in json.load(open(sys.argv[1]))["tests"]))' "$QUARANTINE_FILE")"
          fi
          if [ -n "$skip" ]; then
            ${s.e2eCommand} --shard="$SHARD/${s.e2eShards}" --grep-invert "$skip"
          else
            ${s.e2eCommand} --shard="$SHARD/${s.e2eShards}"
          fi
      - name: Upload JUnit results
        if: always()
        uses: ${uses('uploadArtifact')}
        with:
          name: e2e-junit-\${{ matrix.shard }}
          path: e2e-results/*.xml
          retention-days: 30
          if-no-files-found: warn

  quarantine:
    name: Quarantine flaky tests
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-24.04
    permissions:
      contents: write
      pull-requests: write
      actions: read
    steps:
      - uses: ${uses('checkout')}
      - name: Collect the last 14 runs
        env:
          GH_TOKEN: \${{ github.token }}
        run: |
          set -euo pipefail
          mkdir -p runs
          for id in $(gh run list --repo "$GITHUB_REPOSITORY" --workflow e2e.yml --event pull_request --status completed --limit 14 --json databaseId --jq '.[].databaseId'); do
            gh run download "$id" --repo "$GITHUB_REPOSITORY" --pattern 'e2e-junit-*' --dir "runs/$id" || true
          done
      - name: Find flaky tests (2+ failures across 5+ of the last 14 runs)
        run: |
          set -euo pipefail
          python3 - <<'PY'
          import json, os, pathlib, xml.etree.ElementTree as ET
          runs = {}
          for run in pathlib.Path("runs").iterdir():
              results = {}
              for xml in run.rglob("*.xml"):
                  for case in ET.parse(xml).getroot().iter("testcase"):
                      title = case.get("name", "")
                      failed = case.find("failure") is not None or case.find("error") is not None
                      if case.find("skipped") is None:
                          results[title] = results.get(title, False) or failed
              runs[run.name] = results
          seen, failures = {}, {}
          for results in runs.values():
              for title, failed in results.items():
                  seen[title] = seen.get(title, 0) + 1
                  failures[title] = failures.get(title, 0) + (1 if failed else 0)
          flaky = sorted(t for t in seen if seen[t] >= 5 and failures[t] >= 2 and failures[t] < seen[t])
          path = pathlib.Path(os.environ["QUARANTINE_FILE"])
          current = json.loads(path.read_text()) if path.exists() else {"tests": []}
          known = {t["title"] for t in current["tests"]}
          for title in flaky:
              if title not in known:
                  current["tests"].append({"title": title, "reason": f"{failures[title]} failures in {seen[title]} of the last 14 runs"})
          current["tests"].sort(key=lambda t: t["title"])
          path.parent.mkdir(parents=True, exist_ok=True)
          path.write_text(json.dumps(current, indent=2) + "\\n")
          PY
      - name: Open a pull request updating the quarantine list
        env:
          GH_TOKEN: \${{ github.token }}
        run: |
          set -euo pipefail
          if git diff --quiet -- "$QUARANTINE_FILE"; then echo "No new flaky tests"; exit 0; fi
          branch="quarantine/$(date -u +%Y%m%d)"
          git config user.name 'github-actions[bot]'
          git config user.email '41898282+github-actions[bot]@users.noreply.github.com'
          git switch -c "$branch"
          git add "$QUARANTINE_FILE"
          git commit -m "test(e2e): quarantine flaky tests"
          git push --force-with-lease origin "$branch"
          gh pr create --base ${s.defaultBranch} --head "$branch" --title "Quarantine flaky e2e tests" \\
            --body "Tests with 2 or more failures across 5 or more of the last 14 runs. Review before merging; the e2e shards skip every test in \\\`$QUARANTINE_FILE\\\`." \\
            || gh pr edit "$branch" --body "Updated $(date -u +%FT%TZ)"
`;
}

/** Generators by workflow file name. @public */
export const WORKFLOW_GENERATORS = {
  'ci.yml': ciWorkflow,
  'secret-scan.yml': secretScanWorkflow,
  'iac-pr.yml': iacPrWorkflow,
  'iac-apply.yml': iacApplyWorkflow,
  'iac-drift.yml': iacDriftWorkflow,
  'preview-env.yml': previewEnvWorkflow,
  'policies.yml': policiesWorkflow,
  'e2e.yml': e2eWorkflow,
} as const;

/** Workflow file names accepted by `goldenpath:pipelines:generate`. @public */
export type WorkflowName = keyof typeof WORKFLOW_GENERATORS;
