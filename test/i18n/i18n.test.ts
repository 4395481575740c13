import { expect } from 'chai';

import { langFromRequest, readCatalogs, translator } from '../../server/i18n/i18n.js';
import { cookieValue, langFromAcceptLanguage, LANGUAGES } from '../../server/i18n/languages.js';

/** Every key path of a nested catalog object, as `a.b.c`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key));
}

describe('i18n', () => {
  describe('catalogs', () => {
    it('given the catalogs, then every language has the same namespaces and keys as English', () => {
      const catalogs = readCatalogs();
      const english = catalogs['en']!;
      for (const lang of LANGUAGES) {
        const catalog = catalogs[lang];
        expect(catalog, `locales/${lang}/`).to.not.equal(undefined);
        expect(Object.keys(catalog!).sort(), `namespaces of ${lang}`).to.deep.equal(Object.keys(english).sort());
        for (const ns of Object.keys(english)) {
          expect(keyPaths(catalog![ns]).sort(), `keys of locales/${lang}/${ns}.json`).to.deep.equal(keyPaths(english[ns]).sort());
        }
      }
    });

    it('given a Russian translator, when a key is asked, then the Russian text is returned with its values', () => {
      expect(translator('ru')('common:nav.inbox')).to.equal('Входящие');
      expect(translator('en')('common:error.generic', { message: 'x' })).to.equal('Something went wrong: x');
    });
  });

  describe('choosing the language', () => {
    it('given Accept-Language, then the best supported language by quality wins', () => {
      expect(langFromAcceptLanguage('de-DE,ru;q=0.8,en;q=0.5')).to.equal('ru');
      expect(langFromAcceptLanguage('ru-RU')).to.equal('ru');
      expect(langFromAcceptLanguage('fr, de')).to.equal('en');
      expect(langFromAcceptLanguage('ru;q=0, en')).to.equal('en');
      expect(langFromAcceptLanguage(undefined)).to.equal('en');
    });

    it('given the language cookie, then it wins over Accept-Language; a bad cookie is ignored', () => {
      expect(langFromRequest({ headers: { cookie: 'a=1; baton_lang=ru', 'accept-language': 'en' } })).to.equal('ru');
      expect(langFromRequest({ headers: { cookie: 'baton_lang=xx', 'accept-language': 'ru' } })).to.equal('ru');
      expect(cookieValue('x=1;  y = two ', 'y')).to.equal('two');
      expect(cookieValue('', 'y')).to.equal(null);
    });

    it('given a language cookie that is not percent-encoding, then it is no choice (was a URIError: a 500 on every customer page)', () => {
      expect(cookieValue('baton_lang=%E0%A4%A', 'baton_lang')).to.equal(null);
      expect(cookieValue('baton_lang=%', 'baton_lang')).to.equal(null);
      expect(langFromRequest({ headers: { cookie: 'baton_lang=%FF', 'accept-language': 'ru' } })).to.equal('ru');
    });
  });
});
