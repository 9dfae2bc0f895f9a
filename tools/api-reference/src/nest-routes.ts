import { DynamicModule, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';

type ModuleRef = DynamicModule | Type;

const joined = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter((part) => part !== '')
    .join('/')}`;

/** `GET /v1/binds`, … for every HTTP handler of the controllers a module and its imports register, as Nest reads them. */
export function nestRoutes(root: ModuleRef): string[] {
  const routes = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (module: ModuleRef) => {
    if (seen.has(module)) return;
    seen.add(module);
    const type = 'module' in module ? module.module : module;
    const metadata = (key: string) => (Reflect.getMetadata(key, type) as unknown[] | undefined) ?? [];
    const controllers = [
      ...metadata(MODULE_METADATA.CONTROLLERS),
      ...('module' in module ? (module.controllers ?? []) : []),
    ] as Type[];
    for (const controller of controllers) {
      const prefix = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (method === undefined || paths === undefined) continue;
        for (const path of [paths].flat()) routes.add(`${RequestMethod[method]} ${joined(prefix, path)}`);
      }
    }
    const imports = [
      ...metadata(MODULE_METADATA.IMPORTS),
      ...('module' in module ? (module.imports ?? []) : []),
    ];
    for (const imported of imports)
      if ((imported && typeof imported === 'object') || typeof imported === 'function')
        visit(imported as ModuleRef);
  };
  visit(root);
  return [...routes].sort();
}
