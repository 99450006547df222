"""System checks for rendering letters: the HarfBuzz subsetting library and a Chinese font.

Without libharfbuzz-subset, WeasyPrint falls back to fontTools to subset the Noto Sans CJK fonts and a letter takes
seconds instead of a fraction of one; without a CJK font the letters print empty boxes.
"""

import ctypes.util
import shutil
import subprocess

from django.core.checks import Warning, register

HARFBUZZ_PACKAGE = "libharfbuzz-subset0"
FONT_PACKAGE = "fonts-noto-cjk"


def has_harfbuzz_subset() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


def has_cjk_font() -> bool:
    """Whether fontconfig knows a font covering Chinese (``fc-list :lang=zh``)."""
    if shutil.which("fc-list") is None:
        return False
    try:
        result = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(result.stdout.strip())


@register("notices")
def letter_rendering_check(app_configs=None, **kwargs):
    warnings = []
    if not has_harfbuzz_subset():
        warnings.append(
            Warning(
                "未找到 libharfbuzz-subset:生成通知书 PDF 时字体子集化会很慢(每份需数秒,而不是零点几秒)。",
                hint=f"请安装系统包:apt-get install {HARFBUZZ_PACKAGE}",
                id="notices.W001",
            )
        )
    if not has_cjk_font():
        warnings.append(
            Warning(
                "未找到中文字体(fc-list :lang=zh 为空):通知书中的中文将无法显示。",
                hint=f"请安装系统包:apt-get install {FONT_PACKAGE}",
                id="notices.W002",
            )
        )
    return warnings
