import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom';
import { isStorable, UNSTORABLE_REASON } from '@smsgate/contracts';
import * as xpath from 'xpath';
import type { Refusal } from '../../inbound/inbound-event';

/** The longest XML receive body read, as courier reads at most 100,000 bytes of it. */
export const MAX_XML_BODY_BYTES = 100_000;

/** The part of the `xpath` package's compiled expression used here (its typings leave `parse` out). */
interface CompiledXPath {
  select(options: {
    node: unknown;
    namespaces: Record<string, string> | ((prefix: string) => string);
    allowAnyNamespaceForNoPrefix: boolean;
  }): XmlNode[];
}
const parseXPath = (xpath as unknown as { parse: (expression: string) => CompiledXPath }).parse;

interface XmlNode {
  nodeType: number;
  textContent: string | null;
  attributes?: ArrayLike<{ name: string; value: string }>;
}
const DOCUMENT_NODE = 9;

/** Courier's `from_xpath`, `text_xpath` and the optional `date_xpath`, compiled. */
export interface ExXmlReceive {
  from: NamedXPath;
  text: NamedXPath;
  date?: NamedXPath;
}
interface NamedXPath {
  expression: string;
  compiled: CompiledXPath;
}

const SAMPLE_DOCUMENT = parseXml('<a/>');

/**
 * Compiles an XPath 1.0 expression as courier uses one: it must select nodes, since courier reads the
 * text of the first node it finds (an expression of a string, such as `string(//from)`, finds none).
 */
export function compileXPath(expression: string): CompiledXPath | string {
  let compiled: CompiledXPath;
  try {
    compiled = parseXPath(expression);
  } catch {
    return 'is not an XPath 1.0 expression';
  }
  try {
    // Prefixes are bound by each body's own declarations; any namespace does for the sample.
    compiled.select({
      node: SAMPLE_DOCUMENT,
      namespaces: () => 'urn:sample',
      allowAnyNamespaceForNoPrefix: true,
    });
  } catch {
    return 'must select nodes (courier reads the text of the first one), e.g. //from, not string(//from)';
  }
  return compiled;
}

const compiledByConfig = new WeakMap<object, ExXmlReceive | undefined>();

/**
 * The channel's XML receive, when its config sets `from_xpath` and `text_xpath`; compiled once per config
 * object (a changed channel comes as a new one). A config without them costs a property read.
 */
export function exXmlReceiveOf(config: Record<string, unknown>): ExXmlReceive | undefined {
  if (!config.from_xpath || !config.text_xpath) return undefined;
  if (compiledByConfig.has(config)) return compiledByConfig.get(config);
  const named = (key: string): NamedXPath | undefined => {
    const value = config[key];
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const compiled = compileXPath(value.trim());
    return typeof compiled === 'string' ? undefined : { expression: value.trim(), compiled };
  };
  const [from, text, date] = [named('from_xpath'), named('text_xpath'), named('date_xpath')];
  const receive = from && text ? { from, text, ...(date ? { date } : {}) } : undefined;
  compiledByConfig.set(config, receive);
  return receive;
}

/**
 * Reads `from`, `text` and `date` from an XML body as courier does: the text of the first node each
 * expression selects (an element's text with its descendants', comments left out; an attribute's value).
 * Unprefixed names match elements without a prefix in any namespace, and a prefix means the namespace
 * the body binds it to, as courier's XPath (antchfx) treats them; `local-name()` works as anywhere.
 */
export function readExXml(
  body: unknown,
  xml: ExXmlReceive,
): { ok: true; fields: Record<string, string> } | Refusal {
  if (typeof body !== 'string')
    return {
      ok: false,
      reason: 'this channel reads an XML body (from_xpath, text_xpath): send it as text/xml',
    };
  // SOAP allows no DTD, and refusing one keeps entity expansion and external entities out altogether.
  if (/<!DOCTYPE/i.test(body))
    return { ok: false, reason: 'unable to parse request XML: a DOCTYPE is not accepted' };
  // Courier's XML reader takes a prefix the body never declares as a name; here it gets a namespace of its own.
  const undeclared = undeclaredPrefixes(body);
  let document: XmlNode;
  try {
    document = parseXml(body, undeclared);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]?.slice(0, 120) : '';
    return { ok: false, reason: `unable to parse request XML: ${reason}` };
  }
  const namespaces = namespacesOf(document, undeclared);
  const textAt = (path: NamedXPath): string | undefined => {
    let nodes: XmlNode[];
    try {
      nodes = path.compiled.select({ node: document, namespaces, allowAnyNamespaceForNoPrefix: true });
    } catch {
      // A prefix the body never binds selects nothing, as courier's XPath finds nothing for it.
      return undefined;
    }
    const [node] = nodes;
    return node && textOf(node);
  };
  const from = textAt(xml.from);
  const text = textAt(xml.text);
  if (from === undefined || text === undefined)
    return {
      ok: false,
      reason: `missing from at: ${xml.from.expression} or text at: ${xml.text.expression} node`,
    };
  const fields: Record<string, string> = { from, text };
  const date = xml.date && textAt(xml.date);
  if (date !== undefined) fields.date = date;
  for (const [name, value] of Object.entries(fields)) {
    if (!isStorable(value)) return { ok: false, reason: `${name}: ${UNSTORABLE_REASON}` };
  }
  return { ok: true, fields };
}

function parseXml(body: string, xmlns: Record<string, string> = {}): XmlNode {
  return new DOMParser({ onError: onErrorStopParsing, locator: false, xmlns }).parseFromString(
    body,
    'text/xml',
  ) as unknown as XmlNode;
}

const ELEMENT_PREFIX = /<\/?([A-Za-z_][\w.-]*):/g;
const ATTRIBUTE_PREFIX = /\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=/g;

/** Every prefix the body uses, each with a namespace that stands in where the body declares none. */
function undeclaredPrefixes(body: string): Record<string, string> {
  const prefixes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pattern of [ELEMENT_PREFIX, ATTRIBUTE_PREFIX]) {
    for (const [, prefix = ''] of body.matchAll(pattern)) {
      if (prefix !== 'xmlns' && prefix !== 'xml') prefixes[prefix] = `urn:smsgate:undeclared:${prefix}`;
    }
  }
  return prefixes;
}

function textOf(node: XmlNode): string {
  if (node.nodeType === DOCUMENT_NODE)
    return (node as unknown as { documentElement?: XmlNode }).documentElement?.textContent ?? '';
  return node.textContent ?? '';
}

/** Every prefix the body declares and its namespace (the first declaration of a prefix wins). */
function namespacesOf(document: XmlNode, undeclared: Record<string, string>): Record<string, string> {
  const namespaces: Record<string, string> = Object.create(null) as Record<string, string>;
  const elements = (
    document as unknown as { getElementsByTagName(name: string): ArrayLike<XmlNode> }
  ).getElementsByTagName('*');
  for (let index = 0; index < elements.length; index++) {
    const attributes = elements[index]?.attributes ?? [];
    for (let at = 0; at < attributes.length; at++) {
      const attribute = attributes[at];
      if (!attribute?.name.startsWith('xmlns:')) continue;
      const prefix = attribute.name.slice(6);
      namespaces[prefix] ??= attribute.value;
    }
  }
  for (const [prefix, namespace] of Object.entries(undeclared)) namespaces[prefix] ??= namespace;
  return namespaces;
}
