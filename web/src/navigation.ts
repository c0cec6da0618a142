/** Goes to a page of the app (its routes live in the URL's fragment: `#/`, `#/plans/<id>`). */
export function navigate(route: string): void {
  window.location.hash = route;
}
