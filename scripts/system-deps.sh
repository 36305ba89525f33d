#!/usr/bin/env bash
# Debian packages claimflow needs at run time: tesseract for OCR of scans and photos (with its orientation
# data, to turn sideways photos upright), fonts for the example generator; and for the tests, German and French
# OCR data (scans read with CLAIMFLOW_OCR_LANGUAGES=eng+deu, eng+deu+fra), chromium and its
# driver (the review page's browser test drives /usr/bin/chromium: no browser is downloaded). Installs only what
# is missing; needs root (or sudo) the first time.
set -euo pipefail
packages=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-deu tesseract-ocr-fra fonts-dejavu-core chromium
  chromium-driver
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
