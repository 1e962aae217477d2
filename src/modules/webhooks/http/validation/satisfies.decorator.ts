import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * Validates a property with a plain function returning its problems (a message, a list, or
 * nothing), so the rules stay testable without class-validator and messages stay specific.
 */
export function Satisfies(
  problems: (value: unknown) => string | string[] | null,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    const list = (value: unknown): string[] => {
      const found = problems(value);
      return found === null ? [] : Array.isArray(found) ? found : [found];
    };
    registerDecorator({
      name: 'satisfies',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => list(value).length === 0,
        // With `each`, args.value is the whole array: name only the elements that fail.
        defaultMessage: (args?: ValidationArguments) =>
          (options?.each && Array.isArray(args?.value)
            ? args.value.flatMap(list)
            : list(args?.value)
          ).join('; '),
      },
    });
  };
}
