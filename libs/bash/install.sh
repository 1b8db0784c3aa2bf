#!/usr/bin/env bash
# Installs the toolchain this repository needs, or with --check only reports on it.
# Supports Debian, Ubuntu (and distributions declaring ID_LIKE=debian) and Fedora, on x86_64 and aarch64.
# Never prompts: every package-manager call is non-interactive, and a missing root/sudo is an error.
set -euo pipefail

# ---- Pinned versions: the only place to change them. -----------------------------------------
readonly NODE_VERSION="20.20.2"     # installed when node is missing or older than NODE_MIN_VERSION
readonly NODE_MIN_VERSION="20.9.0"  # cdktf 0.21's floor: any node at or above it is left alone
readonly PNPM_VERSION="10.34.8"     # must equal "packageManager" in the root package.json
readonly TERRAFORM_VERSION="1.15.9"
readonly HELM_VERSION="4.2.4"
readonly KUBECTL_VERSION="1.35.2"   # the cluster's Kubernetes minor (1.35), per kubectl's skew policy
readonly AWSCLI_VERSION="2.36.7"
# Primary-key fingerprints of the vendors' release-signing keys (published on their security pages).
readonly HASHICORP_KEY_FINGERPRINT="C874011F0AB405110D02105534365D9472D7468F"
readonly HASHICORP_KEY_URL="https://www.hashicorp.com/.well-known/pgp-key.txt"
readonly AWSCLI_KEY_FINGERPRINT="FB5DB77FD5C118B80511ADA8A6310ACC4672475C"
readonly AWSCLI_KEY_SERVER="hkps://keyserver.ubuntu.com"
# SHA-256 of each pinned download, per architecture: the trust anchor for the three downloads whose
# signature this script does not check, so a changed or compromised download host cannot swap the file
# (and the checksum file beside it). Change them with the versions above, from the vendors' own lists.
# Node 20.20.2: the release's PGP-signed SHASUMS256.txt as printed in the release post (signature not
#   checked here; other public repositories pin the same values)
#   (nodejs/nodejs.org, apps/site/pages/en/blog/release/v20.20.2.md, commit 97e7f35a98891b9561464d91450eb20562d5cbec).
readonly NODE_SHA256_X64="df770b2a6f130ed8627c9782c988fda9669fa23898329a61a871e32f965e007d"   # node-v20.20.2-linux-x64.tar.xz
readonly NODE_SHA256_ARM64="73093db209e4e9e09dd7d15a47aeaab1b74833830df03efa5f942a1122c5fa71" # node-v20.20.2-linux-arm64.tar.xz
# helm 4.2.4: the release notes' per-file checksums (https://github.com/helm/helm/releases/tag/v4.2.4).
readonly HELM_SHA256_AMD64="c306b46f719b0a4da32d0f78ee21bf90ce8d602f15b22ab753f0674d1670a7f3" # helm-v4.2.4-linux-amd64.tar.gz
readonly HELM_SHA256_ARM64="564de2191b881e9f71b5606b25345821ea1682f06ab90499d3ab22b530176da1" # helm-v4.2.4-linux-arm64.tar.gz
# kubectl 1.35.2: the values of dl.k8s.io's kubectl.sha256 files, as pinned by other public repositories
#   (rancher/shell hack/make/deps.mk, KUBECTL_SUM_amd64/_arm64 for v1.35.2, and several more agreeing).
readonly KUBECTL_SHA256_AMD64="924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277" # bin/linux/amd64/kubectl
readonly KUBECTL_SHA256_ARM64="cd859449f54ad2cb05b491c490c13bb836cdd0886ae013c0aed3dd67ff747467" # bin/linux/arm64/kubectl
# ------------------------------------------------------------------------------------------------

readonly TOOLS=(node pnpm terraform helm kubectl aws)
# Overridable for tests and unusual hosts; defaults are the real system.
readonly INSTALL_PREFIX="${INSTALL_PREFIX:-/usr/local}"
readonly OS_RELEASE_FILE="${INSTALL_OS_RELEASE:-/etc/os-release}"
readonly MACHINE="${INSTALL_MACHINE:-$(uname -m)}"
readonly PROGRAM="${0##*/}"
export CHECKPOINT_DISABLE=1 # stops terraform's version-check call home

usage() {
  cat <<USAGE
Usage: $PROGRAM [--check | --dry-run] [--help]

Installs Node (>= $NODE_MIN_VERSION; $NODE_VERSION when missing), pnpm $PNPM_VERSION, Terraform $TERRAFORM_VERSION,
helm $HELM_VERSION, kubectl $KUBECTL_VERSION and AWS CLI $AWSCLI_VERSION into $INSTALL_PREFIX on Debian, Ubuntu or Fedora.
Tools already at the pinned version are left alone. Every download is verified before anything is
installed: Node, helm and kubectl against the SHA-256 pinned in this script (and the vendor's checksum
file), Terraform and the AWS CLI against the vendor's PGP signature.

Options:
  --check     Report each tool as ok, missing or wrong version; change nothing.
              Exits 0 when every tool is ok, 1 otherwise.
  --dry-run   Print the commands and URLs an install would use; change nothing.
  -h, --help  Show this help.

Environment:
  INSTALL_PREFIX      Where tools go (default /usr/local; binaries in \$INSTALL_PREFIX/bin).
  INSTALL_OS_RELEASE  os-release file used to detect the distribution (default /etc/os-release).
  INSTALL_MACHINE     Machine architecture (default: uname -m).

Exit status: 0 success, 1 failure or (with --check) a tool not ok, 2 invalid arguments.
USAGE
}

die() {
  printf '%s: error: %s\n' "$PROGRAM" "$*" >&2
  exit 1
}

usage_error() {
  printf '%s: %s\n\n' "$PROGRAM" "$*" >&2
  usage >&2
  exit 2
}

# True when dotted version $1 >= $2.
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" == "$2" ]]
}

# Prints the installed version of a tool (without a leading "v"), or nothing when it is absent
# or its version cannot be read.
installed_version() {
  local tool=$1 out
  command -v "$tool" >/dev/null 2>&1 || return 0
  case $tool in
    node) out=$(node --version 2>/dev/null) || return 0 ;;
    pnpm) out=$(pnpm --version 2>/dev/null) || return 0 ;;
    terraform) out=$(terraform version 2>/dev/null | sed -n '1s/^Terraform v//p') || return 0 ;;
    helm) out=$(helm version --template '{{.Version}}' 2>/dev/null) || return 0 ;;
    kubectl)
      out=$(kubectl version --client -o json 2>/dev/null |
        sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | sed -n 1p) || return 0
      ;;
    aws) out=$(aws --version 2>&1 | sed -n 's/^aws-cli\/\([^ ]*\).*/\1/p' | sed -n 1p) || return 0 ;;
  esac
  printf '%s' "${out#v}"
}

pinned_version() {
  case $1 in
    node) printf '%s' "$NODE_VERSION" ;;
    pnpm) printf '%s' "$PNPM_VERSION" ;;
    terraform) printf '%s' "$TERRAFORM_VERSION" ;;
    helm) printf '%s' "$HELM_VERSION" ;;
    kubectl) printf '%s' "$KUBECTL_VERSION" ;;
    aws) printf '%s' "$AWSCLI_VERSION" ;;
  esac
}

wanted_description() {
  if [[ $1 == node ]]; then printf '>= %s' "$NODE_MIN_VERSION"; else pinned_version "$1"; fi
}

# ok | missing | wrong-version, for a tool whose installed version is $2.
tool_status() {
  local tool=$1 version=$2
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo missing
  elif [[ -z $version ]]; then
    echo wrong-version
  elif [[ $tool == node ]]; then
    # Node only has a floor: a newer LTS already on the machine is fine.
    if [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && version_at_least "$version" "$NODE_MIN_VERSION"; then echo ok; else echo wrong-version; fi
  elif [[ $version == "$(pinned_version "$tool")" ]]; then
    echo ok
  else
    echo wrong-version
  fi
}

# Prints one line per tool and returns 1 when any tool is not ok.
report() {
  local tool version status not_ok=0 where
  for tool in "${TOOLS[@]}"; do
    version=$(installed_version "$tool")
    status=$(tool_status "$tool" "$version")
    where=$(command -v "$tool" 2>/dev/null || true)
    case $status in
      ok) printf '%-10s ok             %s at %s (want %s)\n' "$tool" "$version" "$where" "$(wanted_description "$tool")" ;;
      missing) printf '%-10s missing        (want %s)\n' "$tool" "$(wanted_description "$tool")"; not_ok=1 ;;
      wrong-version) printf '%-10s wrong version  %s at %s (want %s)\n' "$tool" "${version:-unreadable}" "$where" "$(wanted_description "$tool")"; not_ok=1 ;;
    esac
  done
  return "$not_ok"
}

# ---- Platform detection -------------------------------------------------------------------------

# Reads KEY from the os-release file without sourcing it (sourcing would execute its content).
os_release_value() {
  sed -n "s/^$1=//p" "$OS_RELEASE_FILE" | sed -n 1p | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\1/"
}

PACKAGE_MANAGER=""
OS_NAME=""
detect_os() {
  [[ -r $OS_RELEASE_FILE ]] || die "cannot read $OS_RELEASE_FILE to detect the distribution (set INSTALL_OS_RELEASE to another os-release file)"
  local id id_like
  id=$(os_release_value ID)
  id_like=$(os_release_value ID_LIKE)
  OS_NAME=$(os_release_value PRETTY_NAME)
  OS_NAME=${OS_NAME:-${id:-unknown}}
  case " $id $id_like " in
    *" debian "* | *" ubuntu "*) PACKAGE_MANAGER=apt-get ;;
    *)
      if [[ $id == fedora ]]; then
        PACKAGE_MANAGER=dnf
      else
        die "unsupported operating system: $OS_NAME (ID=${id:-unset} in $OS_RELEASE_FILE); this installer supports Debian, Ubuntu and Fedora"
      fi
      ;;
  esac
}

# Architecture names as each vendor spells them, and the pinned SHA-256 of each download for this one.
ARCH_GO="" ARCH_NODE="" ARCH_AWS="" NODE_SHA256="" HELM_SHA256="" KUBECTL_SHA256=""
detect_arch() {
  case $MACHINE in
    x86_64 | amd64)
      ARCH_GO=amd64 ARCH_NODE=x64 ARCH_AWS=x86_64
      NODE_SHA256=$NODE_SHA256_X64 HELM_SHA256=$HELM_SHA256_AMD64 KUBECTL_SHA256=$KUBECTL_SHA256_AMD64
      ;;
    aarch64 | arm64)
      ARCH_GO=arm64 ARCH_NODE=arm64 ARCH_AWS=aarch64
      NODE_SHA256=$NODE_SHA256_ARM64 HELM_SHA256=$HELM_SHA256_ARM64 KUBECTL_SHA256=$KUBECTL_SHA256_ARM64
      ;;
    *) die "unsupported machine architecture: $MACHINE; this installer supports x86_64 and aarch64" ;;
  esac
}

# ---- Actions: performed, or printed under --dry-run -----------------------------------------------

DRY_RUN=0
SUDO=()  # for writes under INSTALL_PREFIX; empty when root or when the prefix is writable
WORK_DIR=""

# Fails unless this process may change system packages (root, or passwordless sudo).
system_sudo() {
  if ((EUID == 0)); then
    return 0
  fi
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    printf 'sudo -n'
  elif ((!DRY_RUN)); then
    die "installing packages ($*) needs root: run as root or with passwordless sudo"
  fi
}

# Runs a command in the scratch directory, or prints it under --dry-run.
run() {
  if ((DRY_RUN)); then
    printf '  + %s\n' "$*"
  else
    "$@"
  fi
}

# Runs a command that changes the system (with sudo when not root), or prints it under --dry-run.
as_root() {
  if ((DRY_RUN)); then
    printf '  + %s%s\n' "${SUDO[*]}${SUDO[*]:+ }" "$*"
  else
    "${SUDO[@]}" "$@"
  fi
}

download() {
  local url=$1 dest=$2
  if ((DRY_RUN)); then
    printf '  download %s\n' "$url"
    return 0
  fi
  curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 --retry 3 --output "$dest" "$url" ||
    die "download failed: $url"
}

# Checks $file against the SHA-256 for $name in a checksum file (either "<hash>  <name>" lines or
# a file holding only the hash, as kubectl publishes it).
verify_sha256() {
  local file=$1 sums_file=$2 name=$3 sums_url=$4 expected actual
  if ((DRY_RUN)); then
    printf '  verify sha256 of %s against %s\n' "$name" "$sums_url"
    return 0
  fi
  expected=$(awk -v name="$name" 'NF == 1 { print $1; exit } $2 == name || $2 == "*" name { print $1; exit }' "$sums_file")
  [[ $expected =~ ^[0-9a-f]{64}$ ]] || die "no SHA-256 for $name in $sums_url"
  actual=$(sha256sum "$file" | cut -d ' ' -f 1)
  [[ $actual == "$expected" ]] || die "SHA-256 mismatch for $name: expected $expected (from $sums_url), got $actual; nothing was installed"
}

# Checks $file against the SHA-256 pinned in this script. Unlike the vendor's checksum file, which
# comes from the same host as the file and so only catches a corrupted download, the pinned value
# also refuses a file the host now serves in place of the one the pin was taken from.
verify_pinned_sha256() {
  local file=$1 name=$2 pinned=$3 actual
  if ((DRY_RUN)); then
    printf '  verify sha256 of %s against the value pinned in %s (%s)\n' "$name" "$PROGRAM" "$pinned"
    return 0
  fi
  actual=$(sha256sum "$file" | cut -d ' ' -f 1)
  [[ $actual == "$pinned" ]] ||
    die "SHA-256 of $name is $actual, not $pinned as pinned in $PROGRAM (the download host serves another file than the pinned release; its own checksum file does not decide); nothing was installed"
}

# Checks a detached PGP signature and that it was made by the pinned primary key, in a throwaway
# keyring so the user's keyring is neither used nor changed.
verify_pgp_signature() {
  local file=$1 signature=$2 fingerprint=$3 key_source=$4 label=$5 home signer
  if ((DRY_RUN)); then
    printf '  verify PGP signature of %s by key %s (from %s)\n' "$label" "$fingerprint" "$key_source"
    return 0
  fi
  home="$WORK_DIR/gnupg-$fingerprint"
  mkdir -p "$home"
  chmod 700 "$home"
  if [[ $key_source == https://* ]]; then
    download "$key_source" "$WORK_DIR/signing-key.asc"
    gpg --batch --quiet --homedir "$home" --import "$WORK_DIR/signing-key.asc" 2>/dev/null || die "cannot import the signing key from $key_source"
  else
    gpg --batch --quiet --homedir "$home" --keyserver "$key_source" --recv-keys "$fingerprint" 2>/dev/null ||
      die "cannot fetch signing key $fingerprint from $key_source"
  fi
  # VALIDSIG's last field is the primary key's fingerprint, whichever subkey signed.
  signer=$(gpg --batch --homedir "$home" --status-fd 1 --verify "$signature" "$file" 2>/dev/null |
    awk '$2 == "VALIDSIG" { print $NF }') || true
  [[ $signer == "$fingerprint" ]] || die "bad or missing PGP signature on $label (wanted key $fingerprint); nothing was installed"
}

# ---- Installers (one per tool) --------------------------------------------------------------------

package_install() {
  local sudo_words
  local -a sudo=() command_line=()
  sudo_words=$(system_sudo "$@")
  read -r -a sudo <<<"$sudo_words"
  if [[ $PACKAGE_MANAGER == apt-get ]]; then
    command_line=(env DEBIAN_FRONTEND=noninteractive apt-get)
    run "${sudo[@]}" "${command_line[@]}" update -q
    run "${sudo[@]}" "${command_line[@]}" install -y -q --no-install-recommends "$@"
  else
    run "${sudo[@]}" dnf install -y -q "$@"
  fi
}

install_prerequisites() {
  local missing=() command package
  # command:package (Debian name; Fedora's differs only for gpg and xz).
  for pair in curl:curl tar:tar gzip:gzip xz:xz-utils unzip:unzip gpg:gnupg sha256sum:coreutils; do
    command=${pair%%:*} package=${pair#*:}
    if [[ $PACKAGE_MANAGER == dnf ]]; then
      case $package in xz-utils) package=xz ;; gnupg) package=gnupg2 ;; esac
    fi
    command -v "$command" >/dev/null 2>&1 || missing+=("$package")
  done
  # ca-certificates has no command; without it every HTTPS download fails.
  [[ -r /etc/ssl/certs/ca-certificates.crt || -r /etc/pki/tls/certs/ca-bundle.crt ]] || missing+=(ca-certificates)
  ((${#missing[@]} == 0)) && return 0
  echo "prerequisites: installing ${missing[*]}"
  package_install "${missing[@]}"
}

install_node() {
  local base="https://nodejs.org/dist/v$NODE_VERSION" name="node-v$NODE_VERSION-linux-$ARCH_NODE.tar.xz"
  download "$base/SHASUMS256.txt" "$WORK_DIR/node.sums"
  download "$base/$name" "$WORK_DIR/$name"
  verify_sha256 "$WORK_DIR/$name" "$WORK_DIR/node.sums" "$name" "$base/SHASUMS256.txt"
  verify_pinned_sha256 "$WORK_DIR/$name" "$name" "$NODE_SHA256"
  as_root mkdir -p "$INSTALL_PREFIX/lib/nodejs" "$INSTALL_PREFIX/bin"
  as_root tar -xJf "$WORK_DIR/$name" -C "$INSTALL_PREFIX/lib/nodejs"
  local bin
  for bin in node npm npx corepack; do
    as_root ln -sfn "$INSTALL_PREFIX/lib/nodejs/node-v$NODE_VERSION-linux-$ARCH_NODE/bin/$bin" "$INSTALL_PREFIX/bin/$bin"
  done
}

install_pnpm() {
  # npm checks the tarball against the registry's published sha512 integrity before installing.
  as_root npm install --global --no-fund --no-audit --prefix "$INSTALL_PREFIX" "pnpm@$PNPM_VERSION"
}

install_terraform() {
  local base="https://releases.hashicorp.com/terraform/$TERRAFORM_VERSION"
  local name="terraform_${TERRAFORM_VERSION}_linux_$ARCH_GO.zip" sums="terraform_${TERRAFORM_VERSION}_SHA256SUMS"
  download "$base/$sums" "$WORK_DIR/$sums"
  download "$base/$sums.sig" "$WORK_DIR/$sums.sig"
  verify_pgp_signature "$WORK_DIR/$sums" "$WORK_DIR/$sums.sig" "$HASHICORP_KEY_FINGERPRINT" "$HASHICORP_KEY_URL" "$sums"
  download "$base/$name" "$WORK_DIR/$name"
  verify_sha256 "$WORK_DIR/$name" "$WORK_DIR/$sums" "$name" "$base/$sums"
  run unzip -o -q "$WORK_DIR/$name" terraform -d "$WORK_DIR/terraform"
  as_root install -D -m 0755 "$WORK_DIR/terraform/terraform" "$INSTALL_PREFIX/bin/terraform"
}

install_helm() {
  local name="helm-v$HELM_VERSION-linux-$ARCH_GO.tar.gz"
  local url="https://get.helm.sh/$name"
  download "$url.sha256sum" "$WORK_DIR/$name.sha256sum"
  download "$url" "$WORK_DIR/$name"
  verify_sha256 "$WORK_DIR/$name" "$WORK_DIR/$name.sha256sum" "$name" "$url.sha256sum"
  verify_pinned_sha256 "$WORK_DIR/$name" "$name" "$HELM_SHA256"
  run tar -xzf "$WORK_DIR/$name" -C "$WORK_DIR" "linux-$ARCH_GO/helm"
  as_root install -D -m 0755 "$WORK_DIR/linux-$ARCH_GO/helm" "$INSTALL_PREFIX/bin/helm"
}

install_kubectl() {
  local url="https://dl.k8s.io/release/v$KUBECTL_VERSION/bin/linux/$ARCH_GO/kubectl"
  download "$url.sha256" "$WORK_DIR/kubectl.sha256"
  download "$url" "$WORK_DIR/kubectl"
  verify_sha256 "$WORK_DIR/kubectl" "$WORK_DIR/kubectl.sha256" kubectl "$url.sha256"
  verify_pinned_sha256 "$WORK_DIR/kubectl" kubectl "$KUBECTL_SHA256"
  as_root install -D -m 0755 "$WORK_DIR/kubectl" "$INSTALL_PREFIX/bin/kubectl"
}

install_aws() {
  # AWS publishes no checksum file for the CLI; its documented verification is this PGP signature.
  local name="awscli-exe-linux-$ARCH_AWS-$AWSCLI_VERSION.zip"
  local url="https://awscli.amazonaws.com/$name"
  download "$url" "$WORK_DIR/$name"
  download "$url.sig" "$WORK_DIR/$name.sig"
  verify_pgp_signature "$WORK_DIR/$name" "$WORK_DIR/$name.sig" "$AWSCLI_KEY_FINGERPRINT" "$AWSCLI_KEY_SERVER" "$name"
  run unzip -o -q "$WORK_DIR/$name" -d "$WORK_DIR/awscli"
  as_root "$WORK_DIR/awscli/aws/install" --install-dir "$INSTALL_PREFIX/aws-cli" --bin-dir "$INSTALL_PREFIX/bin" --update
}

# After an install, the tool on PATH may still be another copy (e.g. an older one earlier on PATH).
warn_if_shadowed() {
  local tool=$1 version
  hash -r
  version=$(installed_version "$tool")
  if [[ $(tool_status "$tool" "$version") != ok ]]; then
    printf '%s: warning: %s was installed in %s/bin, but %s (%s) comes first on PATH\n' \
      "$PROGRAM" "$tool" "$INSTALL_PREFIX" "$(command -v "$tool" || echo 'nothing')" "${version:-unreadable}" >&2
  fi
}

install_all() {
  detect_os
  detect_arch
  echo "platform: $OS_NAME ($PACKAGE_MANAGER), $MACHINE"
  if ((!DRY_RUN)); then
    if ((EUID != 0)) && ! { mkdir -p "$INSTALL_PREFIX/bin" 2>/dev/null && [[ -w $INSTALL_PREFIX/bin ]]; }; then
      if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
        die "installing into $INSTALL_PREFIX needs root: run as root or with passwordless sudo, or set INSTALL_PREFIX to a folder you own (or use --check / --dry-run)"
      fi
      SUDO=(sudo -n)
    fi
    WORK_DIR=$(mktemp -d)
    trap 'rm -rf "$WORK_DIR"' EXIT
  else
    WORK_DIR="<scratch-dir>"
  fi
  # What we install must win over older copies elsewhere for the pnpm step and the final check.
  export PATH="$INSTALL_PREFIX/bin:$PATH"

  local pending=() tool version status
  for tool in "${TOOLS[@]}"; do
    version=$(installed_version "$tool")
    status=$(tool_status "$tool" "$version")
    if [[ $status == ok ]]; then
      echo "$tool: $version already installed, left alone"
    else
      pending+=("$tool")
    fi
  done
  if ((${#pending[@]} == 0)); then
    echo "nothing to do: every tool is at its pinned version"
    return 0
  fi

  # pnpm comes from npm; a Node kept as it is (e.g. Debian's nodejs package) may have come without it.
  if [[ " ${pending[*]} " == *" pnpm "* && " ${pending[*]} " != *" node "* ]] && ! command -v npm >/dev/null 2>&1; then
    die "pnpm is installed with npm, but node $(installed_version node) has no npm on PATH: install npm (Debian/Ubuntu: apt-get install npm; Fedora: dnf install npm) and run again"
  fi

  install_prerequisites
  for tool in "${pending[@]}"; do
    echo "$tool: installing $(pinned_version "$tool")"
    "install_$tool"
    ((DRY_RUN)) || warn_if_shadowed "$tool"
  done
  if ((DRY_RUN)); then
    echo "dry run: nothing was changed"
  else
    echo "done; current state:"
    report || true
  fi
}

main() {
  local mode=install
  while (($# > 0)); do
    case $1 in
      --check) [[ $mode == install ]] || usage_error "--check and --dry-run cannot be combined"; mode=check ;;
      --dry-run) [[ $mode == install ]] || usage_error "--check and --dry-run cannot be combined"; mode=dry-run ;;
      -h | --help) usage; exit 0 ;;
      -*) usage_error "unknown option '$1'" ;;
      *) usage_error "unexpected argument '$1' (this script takes options only)" ;;
    esac
    shift
  done

  case $mode in
    check)
      if report; then
        echo "all tools present at the pinned versions"
      else
        echo "some tools are missing or at the wrong version: run $PROGRAM to install them"
        exit 1
      fi
      ;;
    dry-run) DRY_RUN=1 install_all ;;
    install) install_all ;;
  esac
}

main "$@"
