"""Server-rendered bar charts (inline SVG, no JavaScript): the geometry of the bars, which
`workflows/components/bar_chart.html` and `column_chart.html` draw. Each bar keeps its
number, a title for screen readers and a link to the rows behind it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str
    title: str
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0
    text: str = ""  # the number written next to the bar


def hbars(
    items: list[tuple[str, int, str, str]],
    *,
    width: int = 440,
    label_width: int = 150,
    label_chars: int = 24,
    bar_height: int = 22,
    gap: int = 10,
) -> dict:
    """Horizontal bars from (label, value, url, title): widths proportional to the
    largest value, each at least 2 px when its value is not zero. A label longer than
    `label_chars` is shortened (the bar's title keeps it whole): about 7 px a character
    at the chart's font size must fit in `label_width`."""
    top = max((v for _l, v, _u, _t in items), default=0) or 1
    room = width - label_width - 60
    bars = []
    for i, (label, value, url, title) in enumerate(items):
        w = room * value / top
        bars.append(
            Bar(
                label=label,
                value=value,
                url=url,
                title=title,
                x=label_width,
                y=i * (bar_height + gap),
                w=round(max(w, 2 if value else 0), 1),
                h=bar_height,
                text=f"{value:,}".replace(",", "."),
            )
        )
    return {
        "bars": bars,
        "width": width,
        "height": max(len(bars) * (bar_height + gap) - gap, bar_height),
        "label_x": label_width - 8,
        "label_chars": label_chars,
        "text_dy": bar_height / 2,
    }


def columns(
    items: list[tuple[str, float | None, str, str, str]],
    *,
    width: int = 440,
    height: int = 200,
    top_pad: int = 24,
    bottom_pad: int = 40,
) -> dict:
    """Vertical columns of a percentage (0–100) from (label, percent or None, text,
    url, title)."""
    n = max(len(items), 1)
    left = 36  # room for the scale's labels
    slot = (width - left) / n
    inner = height - top_pad - bottom_pad
    bars = []
    for i, (label, pct, text, url, title) in enumerate(items):
        h = inner * (pct or 0) / 100
        bars.append(
            Bar(
                label=label,
                value=pct or 0,
                url=url,
                title=title,
                x=round(left + i * slot + slot * 0.2, 1),
                y=round(top_pad + inner - h, 1),
                w=round(slot * 0.6, 1),
                h=round(h, 1),
                text=text,
            )
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "base_y": top_pad + inner,
        "label_y": height - bottom_pad + 18,
        "slot_half": round(slot * 0.3, 1),
        "grid": [
            {"y": round(top_pad + inner - inner * p / 100, 1), "label": f"{p} %", "x": left}
            for p in (0, 50, 100)
        ],
    }
