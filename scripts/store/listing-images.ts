/**
 * The store images' frames, as HTML the screenshot script renders in the same Chromium: captions per language, the
 * popup's real screenshot and the real badge (text and colour read from the extension) placed in a 1280×800
 * screenshot and a 440×280 small promo tile, the sizes the Chrome Web Store asks for.
 */

export const SCREENSHOT_SIZE = { width: 1280, height: 800 };
export const PROMO_TILE_SIZE = { width: 440, height: 280 };

/** The listing languages: the folder name (as `_locales`) and the browser UI language that selects it. */
export const LISTING_LOCALES = [
  { folder: 'en', lang: 'en-US' },
  { folder: 'zh_CN', lang: 'zh-CN' },
] as const;
export type ListingLocale = (typeof LISTING_LOCALES)[number]['folder'];

const CAPTIONS: Record<ListingLocale, { headline: string; points: string[]; tagline: string }> = {
  en: {
    headline: 'Your unread notifications, live on the toolbar',
    points: [
      'The badge counts what is new, pushed the moment it happens.',
      'Open a category to read its latest items and mark them read.',
      'OS notifications per category, quiet hours and snooze.',
    ],
    tagline: 'Unread notifications, live on your toolbar',
  },
  zh_CN: {
    headline: '未读通知，实时显示在工具栏上',
    points: [
      '新消息一到，角标立即更新未读数。',
      '展开类别，阅读最新条目并标记为已读。',
      '按类别发送系统通知，支持免打扰时段和暂停通知。',
    ],
    tagline: '实时未读通知角标',
  },
};

/** What the frames show of the real extension. */
export interface ListingParts {
  /** The popup, as a PNG data URL. */
  popup: string;
  /** The 128 px icon, as a PNG data URL. */
  icon: string;
  badgeText: string;
  /** `action.getBadgeBackgroundColor`: [r, g, b, a]. */
  badgeColor: number[];
}

const FONTS = `system-ui, 'Noto Sans', 'WenQuanYi Micro Hei', sans-serif`;
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function badge(parts: ListingParts, iconSize: number): string {
  const [r = 0, g = 0, b = 0] = parts.badgeColor;
  const font = Math.round(iconSize * 0.36);
  return `<div style="position:relative;flex-shrink:0;width:${iconSize}px;height:${iconSize}px">
    <img src="${parts.icon}" style="width:100%;height:100%">
    <span style="position:absolute;right:${-font * 0.5}px;bottom:${-font * 0.3}px;background:rgb(${r},${g},${b});color:#fff;
      font:700 ${font}px/1.3 ${FONTS};padding:0 ${font * 0.3}px;border-radius:${font * 0.4}px;border:2px solid #fff">${escapeHtml(parts.badgeText)}</span>
  </div>`;
}

function page(size: { width: number; height: number }, body: string, locale: ListingLocale): string {
  return `<!doctype html><html lang="${locale.replace('_', '-')}"><meta charset="utf-8"><body style="margin:0;
    width:${size.width}px;height:${size.height}px;overflow:hidden;font-family:${FONTS};color:#14213d;
    background:linear-gradient(135deg,#eef3ff 0%,#dfe8fb 55%,#cfdcf7 100%)">${body}</body></html>`;
}

/** Screenshot 1: the caption beside a toolbar with Beacon's badge and the popup open under it. */
export function getPopupScreenshotHtml(parts: ListingParts, locale: ListingLocale): string {
  const caption = CAPTIONS[locale];
  const points = caption.points.map((point) => `<li style="margin:0 0 18px">${escapeHtml(point)}</li>`).join('');
  return page(
    SCREENSHOT_SIZE,
    `<div style="display:flex;height:100%;align-items:center;gap:64px;padding:0 80px;box-sizing:border-box">
      <div style="flex:1">
        <h1 style="font-size:44px;line-height:1.2;margin:0 0 36px;font-weight:700">${escapeHtml(caption.headline)}</h1>
        <ul style="font-size:24px;line-height:1.4;padding-left:28px;margin:0;color:#33415c">${points}</ul>
      </div>
      <div style="display:flex;flex-direction:column;align-items:flex-end;gap:10px">
        <div style="background:#fff;border-radius:12px;padding:10px 22px 10px 14px;box-shadow:0 2px 10px #0002">${badge(parts, 32)}</div>
        <img src="${parts.popup}" style="max-height:640px;border-radius:10px;box-shadow:0 12px 40px #0003">
      </div>
    </div>`,
    locale,
  );
}

/** The small promo tile: icon with the badge, the name and the tagline. */
export function getPromoTileHtml(parts: ListingParts, locale: ListingLocale): string {
  return page(
    PROMO_TILE_SIZE,
    `<div style="display:flex;height:100%;align-items:center;gap:30px;padding:0 36px;box-sizing:border-box">
      ${badge(parts, 112)}
      <div><div style="font-size:44px;font-weight:700">Beacon</div>
        <div style="font-size:20px;line-height:1.35;margin-top:8px;color:#33415c">${escapeHtml(CAPTIONS[locale].tagline)}</div></div>
    </div>`,
    locale,
  );
}
